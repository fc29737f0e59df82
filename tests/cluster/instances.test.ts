/**
 * Two app instances from one build share nothing but the database and the bucket: what one
 * writes the other sees, keys either one mints work alike (one account key, one signing secret),
 * and one crashing leaves the other serving.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { applyMigrations } from "@/scripts/migrate"
import { sessionCookie } from "@/tests/support/app"
import { startAppInstance, type AppInstance } from "@/tests/support/app-instance"
import { createFreshDatabase } from "@/tests/support/database"
import { isAzure, partEtagOf, SIGNATURE_PATTERN, STORED } from "@/tests/support/storage-profile"

const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const MIB = 1024 * 1024

type Json = Record<string, unknown>
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex")

/** One account's API calls, each sent to whichever instance the step names. */
function client(token: string) {
  return async (instance: AppInstance, method: string, route: string, body?: unknown) => {
    const response = await fetch(`${instance.url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: "manual",
    })
    const text = await response.text()
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json, headers: response.headers }
  }
}

async function signUp(instance: AppInstance, label: string) {
  const registered = await fetch(`${instance.url}/api/register`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: instance.url },
    body: JSON.stringify({ email: `${label}-${randomUUID()}@example.com`, password: "a long cluster password" }),
  })
  expect(registered.status, await registered.clone().text()).toBe(201)
  const { user } = (await registered.json()) as { user: { id: string; role: string } }
  const created = await fetch(`${instance.url}/api/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: instance.url, cookie: await sessionCookie(user.id) },
    body: JSON.stringify({ name: "cluster" }),
  })
  expect(created.status, await created.clone().text()).toBe(201)
  const { token } = (await created.json()) as { token: { secret: string } }
  return { user, api: client(token.secret) }
}

/** GETs a key from a 302 and answers the bytes storage served. */
async function follow(redirect: { status: number; headers: Headers }) {
  expect(redirect.status).toBe(302)
  const location = redirect.headers.get("location") ?? ""
  expect(location).toMatch(SIGNATURE_PATTERN)
  const response = await fetch(location)
  expect(response.status).toBe(200)
  return { location, bytes: new Uint8Array(await response.arrayBuffer()) }
}

describe(`two app instances on ${PROFILE} storage`, () => {
  let database: Awaited<ReturnType<typeof createFreshDatabase>>
  const instances: AppInstance[] = []

  beforeAll(async () => {
    database = await createFreshDatabase("cluster")
    await applyMigrations(database.url)
    // Parts of 5 MiB (S3's smallest), so a multipart upload is quick to send.
    const env = {
      DATABASE_URL: database.url,
      REAPER_INTERVAL_SECONDS: "3600",
      MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
      MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
    }
    instances.push(...(await Promise.all([startAppInstance({ env }), startAppInstance({ env })])))
  })

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()))
    await database?.drop()
  })

  it("honour each other's keys: granted on one, completed on the other, revoked on one and refused by both", async () => {
    const [a, b] = instances
    if (!a || !b) throw new Error("instances did not start")
    // The first account of a fresh database is the administrator.
    const admin = await signUp(a, "cluster-admin")
    expect(admin.user.role).toBe("ADMIN")
    const owner = await signUp(b, "cluster-owner")

    // A single upload: the key from one instance, the completion on the other, a repeat on the first.
    const single = new Uint8Array(randomBytes(3000))
    const granted = await owner.api(a, "POST", "/api/uploads", {
      name: "single.bin",
      size: single.length,
      type: "application/octet-stream",
    })
    expect(granted.status, JSON.stringify(granted.body)).toBe(201)
    const upload = granted.body.upload as { id: string; url: string; headers: Record<string, string> }
    expect(upload.url).toMatch(SIGNATURE_PATTERN)
    expect((await fetch(upload.url, { method: "PUT", body: single, headers: upload.headers })).status).toBe(STORED)
    const completed = await owner.api(b, "POST", `/api/uploads/${upload.id}/complete`)
    expect(completed.status, JSON.stringify(completed.body)).toBe(201)
    const again = await owner.api(a, "POST", `/api/uploads/${upload.id}/complete`)
    expect(again.status).toBe(200)
    const singleFile = completed.body.file as { id: string }
    expect((again.body.file as { id: string }).id).toBe(singleFile.id)

    // Multipart: granted on b, its parts signed on both, listed on a, completed on b.
    const big = new Uint8Array(randomBytes(5 * MIB + 4321))
    const grantedParts = await owner.api(b, "POST", "/api/uploads", {
      name: "parts.bin",
      size: big.length,
      type: "application/octet-stream",
    })
    expect(grantedParts.status, JSON.stringify(grantedParts.body)).toBe(201)
    const multipart = grantedParts.body.upload as { id: string; multipart: boolean; partCount: number }
    expect(multipart).toMatchObject({ multipart: true, partCount: 2 })
    const parts: { partNumber: number; etag: string }[] = []
    for (const [instance, partNumber] of [
      [a, 1],
      [b, 2],
    ] as const) {
      const signed = await owner.api(instance, "POST", `/api/uploads/${multipart.id}/parts`, {
        partNumbers: [partNumber],
      })
      expect(signed.status, JSON.stringify(signed.body)).toBe(200)
      const [part] = signed.body.parts as { url: string }[]
      const body = big.subarray((partNumber - 1) * 5 * MIB, partNumber * 5 * MIB)
      const sent = await fetch(part?.url ?? "", { method: "PUT", body })
      expect(sent.status).toBe(STORED)
      parts.push({ partNumber, etag: partEtagOf(sent, part?.url ?? "") ?? "" })
    }
    const listed = await owner.api(a, "GET", `/api/uploads/${multipart.id}/parts`)
    expect((listed.body.parts as { partNumber: number }[]).map((part) => part.partNumber)).toEqual([1, 2])
    const assembled = await owner.api(b, "POST", `/api/uploads/${multipart.id}/complete`, { parts })
    expect(assembled.status, JSON.stringify(assembled.body)).toBe(201)
    const partsFile = assembled.body.file as { id: string }

    // Download keys from either instance read the verified bytes (on Azure: the snapshot the other pinned).
    for (const instance of [a, b]) {
      const read = await follow(await owner.api(instance, "GET", `/api/files/${partsFile.id}/download`))
      expect(sha256(read.bytes)).toBe(sha256(big))
      if (isAzure) expect(new URL(read.location).searchParams.get("sr")).toBe("bs")
    }

    // A link made on a, redeemed on b, revoked on b: refused by a on its next request.
    const shared = await owner.api(a, "POST", `/api/files/${singleFile.id}/shares`, {})
    expect(shared.status, JSON.stringify(shared.body)).toBe(201)
    const share = shared.body.share as { id: string; url: string }
    const path = new URL(share.url).pathname
    const viaB = await follow(await fetch(`${b.url}${path}/download`, { redirect: "manual" }))
    expect(sha256(viaB.bytes)).toBe(sha256(single))
    expect((await owner.api(b, "DELETE", `/api/shares/${share.id}`)).status).toBe(204)
    for (const instance of [a, b]) {
      const refused = await fetch(`${instance.url}${path}/download`, { redirect: "manual" })
      expect(refused.status).toBe(410)
      expect(await refused.json()).toMatchObject({ error: { code: "share_revoked" } })
    }

    // The account disabled on a: its token and its other link stop on b too, and b mints no key.
    const second = await owner.api(b, "POST", `/api/files/${partsFile.id}/shares`, {})
    const secondPath = new URL((second.body.share as { url: string }).url).pathname
    expect((await fetch(`${a.url}${secondPath}/download`, { redirect: "manual" })).status).toBe(302)
    expect((await admin.api(a, "PATCH", `/api/admin/users/${owner.user.id}`, { disabled: true })).status).toBe(204)
    expect((await fetch(`${b.url}${secondPath}/download`, { redirect: "manual" })).status).toBe(410)
    const refusedGrant = await owner.api(b, "POST", "/api/uploads", { name: "late.bin", size: 1, type: "text/plain" })
    expect(refusedGrant.status).toBe(401)
    const refusedDownload = await owner.api(b, "GET", `/api/files/${singleFile.id}/download`)
    expect(refusedDownload.status).toBe(401)
  })

  it("see each other's writes, and one crashing leaves the other serving", async () => {
    const [first, second] = instances
    if (!first || !second) throw new Error("instances did not start")
    const account = { email: `cluster-${randomUUID()}@example.com`, password: "a long cluster password" }
    const register = (instance: AppInstance) =>
      fetch(`${instance.url}/api/register`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: instance.url },
        body: JSON.stringify(account),
      })

    expect((await register(first)).status).toBe(201)
    const again = await register(second)
    expect(again.status).toBe(409)
    expect(await again.json()).toMatchObject({ error: { code: "email_taken" } })

    await first.kill()
    expect(await fetch(`${first.url}/api/health`).catch(() => "refused")).toBe("refused")
    expect((await fetch(`${second.url}/api/health`)).status).toBe(200)
  })
})
