import { randomBytes } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { apiRequest, browserHeaders, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { objectPathOf, partEtagOf, STORED } from "@/tests/support/storage-profile"

/** Upload requests (write-only links) against real PostgreSQL and each real S3 server. */
const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const MIB = 1024 * 1024

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let owner: { id: string }
let other: { id: string }
let routes: {
  create: typeof import("@/app/api/upload-requests/route").POST
  detail: typeof import("@/app/api/upload-requests/[id]/route").GET
  close: typeof import("@/app/api/upload-requests/[id]/close/route").POST
  grant: typeof import("@/app/api/r/[token]/uploads/route").POST
  complete: typeof import("@/app/api/r/[token]/uploads/[id]/complete/route").POST
  signParts: typeof import("@/app/api/r/[token]/uploads/[id]/parts/route").POST
}

type Created = { id: string; url: string; state: string }
type Grant = { id: string; multipart: boolean; url: string; headers: Record<string, string> }

const tokenOf = (created: Created) => new URL(created.url).pathname.split("/")[2] ?? ""
const count = async (table: string) =>
  Number((await query<{ count: string }>(database.url, `SELECT count(*) FROM "${table}"`))[0]?.count)
let ipCounter = 0

async function createRequest(body: Record<string, unknown>, userId = owner.id): Promise<Created> {
  const response = await routes.create(
    apiRequest("POST", "/api/upload-requests", {
      body: { title: "Send me your slides", ...body },
      headers: await browserHeaders(userId),
    }),
  )
  expect(response.status, await response.clone().text()).toBe(201)
  return (await response.json()).uploadRequest
}

/** An outsider's call: no cookie, its own address unless told, the password header when given. */
function outsider(token: string, path: string, body: unknown, options: { password?: string; ip?: string } = {}) {
  return apiRequest("POST", `/api/r/${token}${path}`, {
    body,
    headers: {
      "x-forwarded-for": options.ip ?? `198.51.100.${++ipCounter % 250}`,
      ...(options.password ? { "x-upload-password": options.password } : {}),
    },
  })
}

const grant = (token: string, body: unknown, options?: { password?: string; ip?: string }) =>
  routes.grant(outsider(token, "/uploads", body, options), { params: Promise.resolve({ token }) })
const complete = (token: string, id: string, options?: { password?: string }) =>
  routes.complete(outsider(token, `/uploads/${id}/complete`, undefined, options), {
    params: Promise.resolve({ token, id }),
  })

async function put(url: string, data: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}, method = "PUT") {
  const response = await fetch(url, { method, body: method === "PUT" ? data : undefined, headers })
  await response.arrayBuffer()
  return response.status
}

beforeAll(async () => {
  database = await useFreshDatabase({
    MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
    MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
  })
  routes = {
    create: (await import("@/app/api/upload-requests/route")).POST,
    detail: (await import("@/app/api/upload-requests/[id]/route")).GET,
    close: (await import("@/app/api/upload-requests/[id]/close/route")).POST,
    grant: (await import("@/app/api/r/[token]/uploads/route")).POST,
    complete: (await import("@/app/api/r/[token]/uploads/[id]/complete/route")).POST,
    signParts: (await import("@/app/api/r/[token]/uploads/[id]/parts/route")).POST,
  }
  const { registerUser } = await import("@/lib/accounts")
  owner = await registerUser({ email: "owner@example.com", password: "perfectly-fine-1" })
  other = await registerUser({ email: "other@example.com", password: "perfectly-fine-2" })
})

afterAll(() => database.cleanUp())

describe(`upload requests on ${PROFILE} storage`, () => {
  it("lets an outsider send a file into the owner's space, verified like any upload, with the link stored only as a hash", async () => {
    const created = await createRequest({ message: "Thanks!", maxFiles: 5 })
    expect(created).toMatchObject({ state: "open", url: expect.stringMatching(/\/r\/[A-Za-z0-9_-]{43}$/) })
    const rows = await query<Record<string, unknown>>(database.url, `SELECT * FROM "UploadRequest" WHERE id = $1`, [
      created.id,
    ])
    expect(JSON.stringify(rows)).not.toContain(tokenOf(created))

    const data = new Uint8Array(randomBytes(1500))
    const response = await grant(tokenOf(created), { name: "slides.pdf", size: data.length, type: "application/pdf" })
    expect(response.status).toBe(201)
    const { upload } = (await response.json()) as { upload: Grant }
    // Keys live under the owner's prefix, minted by the server.
    expect(new URL(upload.url).pathname).toBe(objectPathOf(`u/${owner.id}/${upload.id}`))
    expect(await put(upload.url, data, upload.headers)).toBe(STORED)
    const completed = await complete(tokenOf(created), upload.id)
    expect(completed.status).toBe(201)
    expect(await completed.json()).toEqual({ file: { name: "slides.pdf", size: 1500, type: "application/pdf" } })

    const detail = await routes.detail(
      apiRequest("GET", `/api/upload-requests/${created.id}`, { headers: await browserHeaders(owner.id) }),
      { params: Promise.resolve({ id: created.id }) },
    )
    const body = await detail.json()
    expect(body.request).toMatchObject({ filesReceived: 1, bytesReceived: 1500 })
    expect(body.files.map((file: { name: string }) => file.name)).toEqual(["slides.pdf"])
    const audit = await query<{ action: string; via: string; actorId: string | null }>(
      database.url,
      `SELECT action, via, "actorId" FROM "AuditEvent" WHERE "uploadId" = $1 ORDER BY "createdAt"`,
      [upload.id],
    )
    expect(audit).toEqual([
      { action: "upload.put", via: "upload-request", actorId: null },
      { action: "upload.complete", via: "upload-request", actorId: null },
    ])
  })

  it.each([
    [
      "a type it does not accept",
      { allowedTypes: ["image/*"] },
      { name: "a.pdf", size: 10, type: "application/pdf" },
      415,
      "type_not_allowed",
    ],
    ["a file over its per-file size", { maxFileSize: 100 }, { name: "a.bin", size: 101 }, 413, "file_too_large"],
    [
      "a file that does not fit its total",
      { maxTotalSize: 100 },
      { name: "a.bin", size: 101 },
      413,
      "request_total_exceeded",
    ],
  ])("refuses %s before any key exists", async (_case, limits, file, status, code) => {
    const created = await createRequest(limits)
    const [uploads, audit] = [await count("Upload"), await count("AuditEvent")]
    const response = await grant(tokenOf(created), file)
    expect(response.status).toBe(status)
    expect((await response.json()).error.code).toBe(code)
    expect([await count("Upload"), await count("AuditEvent")]).toEqual([uploads, audit])
  })

  it("accepts a matching type family", async () => {
    const created = await createRequest({ allowedTypes: ["image/*", "application/pdf"] })
    expect((await grant(tokenOf(created), { name: "a.png", size: 10, type: "image/png" })).status).toBe(201)
    expect((await grant(tokenOf(created), { name: "a.pdf", size: 10, type: "application/pdf" })).status).toBe(201)
  })

  it("takes exactly maxFiles of many concurrent grants", async () => {
    const created = await createRequest({ maxFiles: 3 })
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        grant(tokenOf(created), { name: `f${index}.txt`, size: 10, type: "text/plain" }),
      ),
    )
    const statuses = responses.map((response) => response.status).sort()
    expect(statuses.filter((status) => status === 201)).toHaveLength(3)
    expect(statuses.filter((status) => status === 409)).toHaveLength(7)
  })

  it("refuses unknown (404), expired and closed (410) links, and needs the right password (401)", async () => {
    // Keys minted (upload.* audit rows) and grants recorded: a refused grant adds neither. Creating
    // and closing the requests below are audited too, and are not what this counts.
    const mintedKeys = async () =>
      Number(
        (
          await query<{ count: string }>(database.url, `SELECT count(*) FROM "AuditEvent" WHERE action LIKE 'upload.%'`)
        )[0]?.count,
      )
    const [uploads, audit] = [await count("Upload"), await mintedKeys()]
    expect((await grant(`${"A".repeat(43)}`, { name: "a", size: 1 })).status).toBe(404)

    const expired = await createRequest({ expiresIn: 60 })
    await query(
      database.url,
      `UPDATE "UploadRequest" SET "expiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 second' WHERE id = $1`,
      [expired.id],
    )
    expect((await grant(tokenOf(expired), { name: "a", size: 1 })).status).toBe(410)

    const closing = await createRequest({})
    const closed = await routes.close(
      apiRequest("POST", `/api/upload-requests/${closing.id}/close`, { headers: await browserHeaders(owner.id) }),
      { params: Promise.resolve({ id: closing.id }) },
    )
    expect(closed.status).toBe(204)
    expect((await grant(tokenOf(closing), { name: "a", size: 1 })).status).toBe(410)

    const locked = await createRequest({ password: "open sesame" })
    const missing = await grant(tokenOf(locked), { name: "a", size: 1 })
    expect([missing.status, (await missing.json()).error.code]).toEqual([401, "password_required"])
    const wrong = await grant(tokenOf(locked), { name: "a", size: 1 }, { password: "open barley" })
    expect([wrong.status, (await wrong.json()).error.code]).toEqual([401, "wrong_password"])
    expect([await count("Upload"), await mintedKeys()]).toEqual([uploads, audit])
    expect((await grant(tokenOf(locked), { name: "a", size: 1 }, { password: "open sesame" })).status).toBe(201)
  })

  it("charges the owner's quota", async () => {
    await query(database.url, `UPDATE "User" SET "quotaBytes" = 0 WHERE id = $1`, [other.id])
    const created = await createRequest({}, other.id)
    const response = await grant(tokenOf(created), { name: "a.bin", size: 1 })
    expect(response.status).toBe(403)
    expect((await response.json()).error.code).toBe("quota_exceeded")
  })

  it("gives the sender keys that can only put its own object: no read, no other key", async () => {
    const created = await createRequest({})
    const data = new Uint8Array(randomBytes(300))
    const { upload } = (await (
      await grant(tokenOf(created), { name: "x.bin", size: data.length, type: "application/octet-stream" })
    ).json()) as { upload: Grant }
    expect(await put(upload.url, data, upload.headers)).toBe(STORED)
    // The PUT key used to read, or aimed at another of the owner's objects: storage refuses.
    expect(await put(upload.url, data, {}, "GET")).toBe(403)
    const elsewhere = upload.url.replace(upload.id, "00000000-0000-4000-8000-000000000000")
    expect(await put(elsewhere, data, upload.headers)).toBe(403)
  })

  it("keeps each link to its own uploads: another link's upload, or the owner's own, is a 404", async () => {
    const first = await createRequest({})
    const second = await createRequest({})
    const { upload } = (await (await grant(tokenOf(first), { name: "x.txt", size: 5, type: "text/plain" })).json()) as {
      upload: Grant
    }
    expect((await complete(tokenOf(second), upload.id)).status).toBe(404)
    const uploads = await import("@/app/api/uploads/route")
    const own = await (
      await uploads.POST(
        apiRequest("POST", "/api/uploads", {
          body: { name: "mine.txt", size: 5, type: "text/plain" },
          headers: await browserHeaders(owner.id),
        }),
      )
    ).json()
    expect((await complete(tokenOf(first), own.upload.id)).status).toBe(404)
  })

  it("signs parts for a big file sent through a link", async () => {
    const created = await createRequest({ maxTotalSize: 20 * MIB })
    const { upload } = (await (
      await grant(tokenOf(created), { name: "big.bin", size: 5 * MIB + 1, type: "application/octet-stream" })
    ).json()) as { upload: Grant }
    expect(upload.multipart).toBe(true)
    const signed = await routes.signParts(
      outsider(tokenOf(created), `/uploads/${upload.id}/parts`, { partNumbers: [1, 2] }),
      {
        params: Promise.resolve({ token: tokenOf(created), id: upload.id }),
      },
    )
    expect(signed.status).toBe(200)
    expect((await signed.json()).parts).toHaveLength(2)
  })

  it("lets only the owner (or an admin) see and close a request", async () => {
    const created = await createRequest({}, other.id)
    const asOwner = await browserHeaders(owner.id) // owner is the first account, so an admin here
    const asStranger = await browserHeaders(
      (
        await (
          await import("@/lib/accounts")
        ).registerUser({ email: "third@example.com", password: "perfectly-fine-3" })
      ).id,
    )
    const params = { params: Promise.resolve({ id: created.id }) }
    expect(
      (await routes.detail(apiRequest("GET", `/api/upload-requests/${created.id}`, { headers: asStranger }), params))
        .status,
    ).toBe(404)
    expect(
      (
        await routes.close(
          apiRequest("POST", `/api/upload-requests/${created.id}/close`, { headers: asStranger }),
          params,
        )
      ).status,
    ).toBe(404)
    expect(
      (await routes.close(apiRequest("POST", `/api/upload-requests/${created.id}/close`, { headers: asOwner }), params))
        .status,
    ).toBe(204)
    expect((await grant(tokenOf(created), { name: "a", size: 1 })).status).toBe(410)
  })

  it("stops taking files the moment its owner's account is disabled", async () => {
    const { registerUser } = await import("@/lib/accounts")
    const soonDisabled = await registerUser({ email: "disabled-owner@example.com", password: "perfectly-fine-4" })
    const created = await createRequest({}, soonDisabled.id)
    expect((await grant(tokenOf(created), { name: "a", size: 1 })).status).toBe(201)
    await query(database.url, `UPDATE "User" SET "disabledAt" = now() WHERE id = $1`, [soonDisabled.id])
    const refused = await grant(tokenOf(created), { name: "b", size: 1 })
    expect([refused.status, (await refused.json()).error.code]).toEqual([410, "request_closed"])
  })

  it("answers 400 for a bad request definition and creates nothing", async () => {
    const before = await count("UploadRequest")
    for (const body of [
      { title: "" },
      { title: "x", maxFiles: 0 },
      { title: "x", allowedTypes: ["not a type"] },
      { title: "x", expiresIn: 10 },
    ]) {
      const response = await routes.create(
        apiRequest("POST", "/api/upload-requests", { body, headers: await browserHeaders(owner.id) }),
      )
      expect(response.status, JSON.stringify(body)).toBe(400)
    }
    expect(await count("UploadRequest")).toBe(before)
  })
})

describe(`upload sessions for a password-protected request on ${PROFILE} storage`, () => {
  const FILES = 200
  const IP = "203.0.113.200"
  let unlockRoute: typeof import("@/app/api/r/[token]/session/route").POST

  beforeAll(async () => {
    unlockRoute = (await import("@/app/api/r/[token]/session/route")).POST
  })

  const unlock = (token: string, password: string, ip = IP) =>
    unlockRoute(
      apiRequest("POST", `/api/r/${token}/session`, { body: { password }, headers: { "x-forwarded-for": ip } }),
      {
        params: Promise.resolve({ token }),
      },
    )
  const withSession = (token: string, session: string, body: unknown) =>
    routes.grant(
      apiRequest("POST", `/api/r/${token}/uploads`, {
        body,
        headers: { "x-forwarded-for": IP, "x-upload-session": session },
      }),
      {
        params: Promise.resolve({ token }),
      },
    )
  const passwordHits = async () =>
    (
      await query<{ key: string; hits: number }>(
        database.url,
        `SELECT key, hits FROM "RateLimit" WHERE key LIKE 'upload-request-password:%' ORDER BY key`,
      )
    ).map((row) => `${row.key.replace(/:[^:]+:ip:/, ":<request>:ip:")}=${row.hits}`)

  it(`lets one sender start ${FILES} small files through one session: the password is hashed once, never rate limited`, async () => {
    const created = await createRequest({ password: "open sesame", maxFiles: FILES })
    const token = tokenOf(created)
    const wrong = await unlock(token, "open barley")
    expect([wrong.status, (await wrong.json()).error.code]).toEqual([401, "wrong_password"])
    const unlocked = await unlock(token, "open sesame")
    expect(unlocked.status).toBe(201)
    expect(unlocked.headers.get("cache-control")).toBe("no-store")
    const { session } = await unlocked.json()
    expect(session).toEqual({ token: expect.stringMatching(/^us1\./), expiresAt: expect.any(String) })
    expect(new Date(session.expiresAt).getTime() - Date.now()).toBeGreaterThan(55 * 60 * 1000)
    const hitsAfterUnlock = await passwordHits()

    for (let index = 0; index < FILES; index++) {
      const response = await withSession(token, session.token, { name: `f${index}.txt`, size: 3, type: "text/plain" })
      expect(response.status, await response.clone().text()).toBe(201)
    }
    // Not one more password check was counted (or made) for the 200 grants.
    expect(await passwordHits()).toEqual(hitsAfterUnlock)
    const [sent] = await query<{ count: string }>(
      database.url,
      `SELECT count(*) FROM "Upload" WHERE "uploadRequestId" = $1`,
      [created.id],
    )
    expect(Number(sent?.count)).toBe(FILES)
    // The session does not stand for more than the request: it is full now.
    expect(
      (await withSession(token, session.token, { name: "one-more.txt", size: 3, type: "text/plain" })).status,
    ).toBe(409)
  })

  it("a session works for a big file's parts and completion too, and its key puts the bytes", async () => {
    const created = await createRequest({ password: "open sesame" })
    const token = tokenOf(created)
    const { session } = await (await unlock(token, "open sesame")).json()
    const headers = { "x-forwarded-for": IP, "x-upload-session": session.token }
    const data = new Uint8Array(randomBytes(5 * MIB + 100))
    const granted = await withSession(token, session.token, {
      name: "big.bin",
      size: data.length,
      type: "application/octet-stream",
    })
    expect(granted.status).toBe(201)
    const { upload } = await granted.json()
    const signed = await routes.signParts(
      apiRequest("POST", `/api/r/${token}/uploads/${upload.id}/parts`, { body: { partNumbers: [1, 2] }, headers }),
      {
        params: Promise.resolve({ token, id: upload.id }),
      },
    )
    expect(signed.status).toBe(200)
    const { parts } = await signed.json()
    const etags = []
    for (const part of parts as { partNumber: number; url: string }[]) {
      const slice = part.partNumber === 1 ? data.slice(0, 5 * MIB) : data.slice(5 * MIB)
      const response = await fetch(part.url, { method: "PUT", body: slice })
      await response.arrayBuffer()
      // S3 answers UploadPart with 200 and an ETag; Azure's Put Block with 201 and none (its block id stands in).
      expect(response.status).toBe(STORED)
      etags.push({ partNumber: part.partNumber, etag: partEtagOf(response, part.url) ?? "" })
    }
    const completed = await routes.complete(
      apiRequest("POST", `/api/r/${token}/uploads/${upload.id}/complete`, { body: { parts: etags }, headers }),
      {
        params: Promise.resolve({ token, id: upload.id }),
      },
    )
    expect(completed.status).toBe(201)
  })

  it("refuses a session for another request, an expired one, a tampered one, and any once the request is closed", async () => {
    const first = await createRequest({ password: "open sesame" })
    const second = await createRequest({ password: "open sesame" })
    const firstSession = (await (await unlock(tokenOf(first), "open sesame")).json()).session.token as string
    const file = { name: "a.txt", size: 3, type: "text/plain" }
    const refusal = async (response: Response) => [response.status, (await response.json()).error.code]
    const uploadsBefore = await count("Upload")

    expect(await refusal(await withSession(tokenOf(second), firstSession, file))).toEqual([
      401,
      "invalid_upload_session",
    ])

    const { mintUploadSession } = await import("@/lib/upload-sessions")
    const [row] = await query<{ id: string; passwordHash: string }>(
      database.url,
      `SELECT id, "passwordHash" FROM "UploadRequest" WHERE id = $1`,
      [first.id],
    )
    const expired = mintUploadSession(
      { id: row?.id ?? "", passwordHash: row?.passwordHash ?? null },
      new Date(Date.now() - 61 * 60 * 1000),
    )
    expect(await refusal(await withSession(tokenOf(first), expired.token, file))).toEqual([
      401,
      "invalid_upload_session",
    ])

    const [version, expiry, signature] = firstSession.split(".")
    const longer = `${version}.${Number(expiry) + 7 * 24 * 3600}.${signature}`
    expect(await refusal(await withSession(tokenOf(first), longer, file))).toEqual([401, "invalid_upload_session"])
    const flipped = `${version}.${expiry}.${signature?.[5] === "A" ? `${signature.slice(0, 5)}B` : `${signature?.slice(0, 5)}A`}${signature?.slice(6)}`
    expect(await refusal(await withSession(tokenOf(first), flipped, file))).toEqual([401, "invalid_upload_session"])
    expect(await count("Upload")).toBe(uploadsBefore)

    // Still good until the owner closes the request; from then on, refused.
    expect((await withSession(tokenOf(first), firstSession, file)).status).toBe(201)
    const closed = await routes.close(
      apiRequest("POST", `/api/upload-requests/${first.id}/close`, { headers: await browserHeaders(owner.id) }),
      {
        params: Promise.resolve({ id: first.id }),
      },
    )
    expect(closed.status).toBe(204)
    expect(await refusal(await withSession(tokenOf(first), firstSession, file))).toEqual([410, "request_closed"])
    expect(await refusal(await unlock(tokenOf(first), "open sesame"))).toEqual([410, "request_closed"])
  })

  it("renews a session past half its life in the answer's header", async () => {
    const created = await createRequest({ password: "open sesame" })
    const { mintUploadSession, verifyUploadSession } = await import("@/lib/upload-sessions")
    const [row] = await query<{ id: string; passwordHash: string }>(
      database.url,
      `SELECT id, "passwordHash" FROM "UploadRequest" WHERE id = $1`,
      [created.id],
    )
    const subject = { id: row?.id ?? "", passwordHash: row?.passwordHash ?? null }
    const old = mintUploadSession(subject, new Date(Date.now() - 40 * 60 * 1000))
    const response = await withSession(tokenOf(created), old.token, { name: "r.txt", size: 3, type: "text/plain" })
    expect(response.status).toBe(201)
    const renewed = response.headers.get("x-upload-session") ?? ""
    expect(verifyUploadSession(renewed, subject)?.getTime()).toBeGreaterThan(old.expiresAt.getTime())
    const fresh = await withSession(tokenOf(created), renewed, { name: "s.txt", size: 3, type: "text/plain" })
    expect(fresh.status).toBe(201)
    expect(fresh.headers.get("x-upload-session")).toBeNull()
  })
})
