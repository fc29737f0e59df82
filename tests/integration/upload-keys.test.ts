import { createHash, randomBytes } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { apiRequest, browserHeaders, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { isAzure, STORED } from "@/tests/support/storage-profile"

/**
 * A key works once and dies with its purpose (DESIGN §3.12, issue 14), against real PostgreSQL and
 * each real S3 server: whatever a still-valid PUT key writes after its upload was cancelled,
 * rejected or expired, or after its file was deleted, is gone after one reaper pass past the key's
 * expiry and never counts as anyone's; and a key can never replace the bytes completion verified.
 */
const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const MIB = 1024 * 1024
/**
 * A second write through a create-only key: S3's signed If-None-Match answers 412; Azure's `sp=c` SAS
 * allows creating a blob that does not exist yet and nothing else, so storage refuses it with 403.
 */
const REWRITE_REFUSED = isAzure ? 403 : 412

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let owner: { id: string }
let storage: typeof import("@/lib/storage")
let uploads: typeof import("@/lib/uploads")
let reaper: typeof import("@/lib/reaper")
let routes: {
  grant: typeof import("@/app/api/uploads/route").POST
  abort: typeof import("@/app/api/uploads/[id]/route").DELETE
  complete: typeof import("@/app/api/uploads/[id]/complete/route").POST
  signParts: typeof import("@/app/api/uploads/[id]/parts/route").POST
  deleteFile: typeof import("@/app/api/files/[id]/route").DELETE
  download: typeof import("@/app/api/files/[id]/download/route").GET
  createRequest: typeof import("@/app/api/upload-requests/route").POST
  requestGrant: typeof import("@/app/api/r/[token]/uploads/route").POST
  requestAbort: typeof import("@/app/api/r/[token]/uploads/[id]/route").DELETE
}

type SingleGrant = { id: string; multipart: false; url: string; headers: Record<string, string>; expiresAt: string }

const params = (id: string) => ({ params: Promise.resolve({ id }) })
const body = (size: number) => new Uint8Array(randomBytes(size))
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex")

async function put(grant: { url: string; headers: Record<string, string> }, data: Uint8Array<ArrayBuffer>) {
  const response = await fetch(grant.url, { method: "PUT", body: data, headers: grant.headers })
  await response.arrayBuffer()
  return response.status
}

async function grantSingle(name: string, size: number): Promise<SingleGrant> {
  const response = await routes.grant(
    apiRequest("POST", "/api/uploads", {
      body: { name, size, type: "application/octet-stream" },
      headers: await browserHeaders(owner.id),
    }),
  )
  expect(response.status, await response.clone().text()).toBe(201)
  return (await response.json()).upload
}

const complete = async (id: string) =>
  routes.complete(
    apiRequest("POST", `/api/uploads/${id}/complete`, { headers: await browserHeaders(owner.id) }),
    params(id),
  )

const uploadRow = async (id: string) =>
  (
    await query<{
      objectKey: string
      status: string
      keysExpireAt: Date
      sweepDueAt: Date | null
      sweptAt: Date | null
    }>(
      database.url,
      `SELECT "objectKey", status, "keysExpireAt", "sweepDueAt", "sweptAt" FROM "Upload" WHERE id = $1`,
      [id],
    )
  )[0]

/** What the key may still do in reality, the database now believes is over: its expiry has passed. */
const pastKeyExpiry = (id: string) =>
  query(
    database.url,
    `UPDATE "Upload" SET "keysExpireAt" = (now() AT TIME ZONE 'UTC') - interval '1 minute',
       "sweepDueAt" = CASE WHEN "sweepDueAt" IS NULL THEN NULL ELSE (now() AT TIME ZONE 'UTC') - interval '1 minute' END
     WHERE id = $1`,
    [id],
  )

/**
 * Storage holds nothing for the upload's key: no object, and on Azure no snapshot completion took
 * (the row's snapshotId) and no staged block either. An uncommitted block is invisible to a HEAD
 * of the blob, and a part key (`sp=w`) can stage one until it expires, so the block list is read.
 */
async function expectNothingStored(uploadId: string) {
  const [row] = await query<{ objectKey: string; snapshotId: string | null }>(
    database.url,
    `SELECT "objectKey", "snapshotId" FROM "Upload" WHERE id = $1`,
    [uploadId],
  )
  const key = row?.objectKey ?? ""
  expect(await storage.headObject(key)).toBeNull()
  if (!isAzure) return
  if (row?.snapshotId) expect(await storage.headObject(key, { version: row.snapshotId })).toBeNull()
  expect(await storage.listParts({ key, uploadId: "any" })).toEqual([])
}

const bytesInUse = async () =>
  Number((await query<{ used: string }>(database.url, `SELECT valet_bytes_in_use($1) AS used`, [owner.id]))[0]?.used)
const filesOf = async () =>
  Number(
    (await query<{ count: string }>(database.url, `SELECT count(*) FROM "File" WHERE "ownerId" = $1`, [owner.id]))[0]
      ?.count,
  )

beforeAll(async () => {
  database = await useFreshDatabase({
    // No in-flight allowance: the tests move the key's expiry instead of waiting for it.
    UPLOAD_SWEEP_GRACE_SECONDS: "0",
    MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
    MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
  })
  routes = {
    grant: (await import("@/app/api/uploads/route")).POST,
    abort: (await import("@/app/api/uploads/[id]/route")).DELETE,
    complete: (await import("@/app/api/uploads/[id]/complete/route")).POST,
    signParts: (await import("@/app/api/uploads/[id]/parts/route")).POST,
    deleteFile: (await import("@/app/api/files/[id]/route")).DELETE,
    download: (await import("@/app/api/files/[id]/download/route")).GET,
    createRequest: (await import("@/app/api/upload-requests/route")).POST,
    requestGrant: (await import("@/app/api/r/[token]/uploads/route")).POST,
    requestAbort: (await import("@/app/api/r/[token]/uploads/[id]/route")).DELETE,
  }
  storage = await import("@/lib/storage")
  uploads = await import("@/lib/uploads")
  reaper = await import("@/lib/reaper")
  const { registerUser } = await import("@/lib/accounts")
  owner = await registerUser({ email: "keys@example.com", password: "perfectly-fine-1" })
})

afterAll(() => database.cleanUp())

describe(`an upload key outlives its upload on ${PROFILE} storage, but what it writes does not`, () => {
  it("records the key's expiry on the upload when it is granted", async () => {
    const grant = await grantSingle("recorded.bin", 10)
    const row = await uploadRow(grant.id)
    expect(row?.keysExpireAt.getTime()).toBe(new Date(grant.expiresAt).getTime())
    expect(row?.sweepDueAt).toBeNull()
  })

  it("after DELETE /api/uploads/:id: the old PUT still works, and one reaper pass after the key's expiry removes it", async () => {
    const grant = await grantSingle("cancelled.bin", 900)
    const used = await bytesInUse()
    const aborted = await routes.abort(
      apiRequest("DELETE", `/api/uploads/${grant.id}`, { headers: await browserHeaders(owner.id) }),
      params(grant.id),
    )
    expect(aborted.status).toBe(204)
    expect(await bytesInUse()).toBe(used - 900)

    // The key itself is storage's to judge, and storage still honours it until it expires.
    expect(await put(grant, body(900))).toBe(STORED)
    const row = await uploadRow(grant.id)
    expect(await storage.headObject(row?.objectKey ?? "")).not.toBeNull()
    // Never anyone's file, never in the quota.
    expect(await bytesInUse()).toBe(used - 900)
    expect(row?.sweepDueAt?.getTime()).toBe(row?.keysExpireAt.getTime())

    // While the key lives nothing is swept: it could write again right after.
    expect(await uploads.sweepClosedUploads()).toBe(0)
    await pastKeyExpiry(grant.id)
    const pass = await reaper.runReaperOnce()
    expect(pass.swept).toBe(1)
    await expectNothingStored(grant.id)
    expect(await uploadRow(grant.id)).toMatchObject({ status: "ABORTED", sweepDueAt: null, sweptAt: expect.any(Date) })
    expect((await reaper.runReaperOnce()).swept).toBe(0)
  })

  it("after a rejected (422) completion", async () => {
    const grant = await grantSingle("rejected.bin", 2000)
    const key = (await uploadRow(grant.id))?.objectKey ?? ""
    // Another key for the same object writes the wrong size first; completion rejects and deletes it.
    const other = await storage.presignPut({ key, contentType: "application/octet-stream", size: 2500 })
    expect(await put(other, body(2500))).toBe(STORED)
    expect((await complete(grant.id)).status).toBe(422)
    expect(await storage.headObject(key)).toBeNull()

    expect(await put(grant, body(2000))).toBe(STORED)
    expect((await complete(grant.id)).status).toBe(409)
    await pastKeyExpiry(grant.id)
    expect((await reaper.runReaperOnce()).swept).toBe(1)
    await expectNothingStored(grant.id)
    expect(await uploadRow(grant.id)).toMatchObject({ status: "REJECTED", sweptAt: expect.any(Date) })
  })

  it("after the upload expired: the reaper closes it, and once its key is dead too, sweeps what the key wrote", async () => {
    const grant = await grantSingle("expired.bin", 700)
    const key = (await uploadRow(grant.id))?.objectKey ?? ""
    await query(
      database.url,
      `UPDATE "Upload" SET "expiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 second' WHERE id = $1`,
      [grant.id],
    )
    expect((await reaper.runReaperOnce()).uploads).toBe(1)
    expect((await uploadRow(grant.id))?.status).toBe("EXPIRED")

    expect(await put(grant, body(700))).toBe(STORED)
    expect((await complete(grant.id)).status).toBe(409)
    expect(await storage.headObject(key)).not.toBeNull()
    await pastKeyExpiry(grant.id)
    expect((await reaper.runReaperOnce()).swept).toBe(1)
    await expectNothingStored(grant.id)
  })

  it("after the file was deleted: the still-valid PUT re-creates the object, and the sweep removes it", async () => {
    const data = body(1200)
    const grant = await grantSingle("deleted.bin", data.length)
    expect(await put(grant, data)).toBe(STORED)
    const completed = await complete(grant.id)
    expect(completed.status).toBe(201)
    const { file } = await completed.json()
    const files = await filesOf()
    const deleted = await routes.deleteFile(
      apiRequest("DELETE", `/api/files/${file.id}`, { headers: await browserHeaders(owner.id) }),
      params(file.id),
    )
    expect(deleted.status).toBe(204)
    const key = (await uploadRow(grant.id))?.objectKey ?? ""
    expect(await storage.headObject(key)).toBeNull()
    const used = await bytesInUse()

    expect(await put(grant, body(data.length))).toBe(STORED)
    expect(await storage.headObject(key)).not.toBeNull()
    expect(await filesOf()).toBe(files - 1)
    expect(await bytesInUse()).toBe(used)

    await pastKeyExpiry(grant.id)
    expect((await reaper.runReaperOnce()).swept).toBe(1)
    await expectNothingStored(grant.id)
    expect(await uploadRow(grant.id)).toMatchObject({ status: "COMPLETED", sweptAt: expect.any(Date) })
  })

  it("through an upload request: an outsider's cancelled upload is swept the same way", async () => {
    const created = await routes.createRequest(
      apiRequest("POST", "/api/upload-requests", {
        body: { title: "Drop here", maxFiles: 5 },
        headers: await browserHeaders(owner.id),
      }),
    )
    expect(created.status).toBe(201)
    const token = new URL((await created.json()).uploadRequest.url).pathname.split("/")[2] ?? ""
    const outsider = (path: string, method: string, payload?: unknown) =>
      apiRequest(method, `/api/r/${token}${path}`, { body: payload, headers: { "x-forwarded-for": "198.51.100.77" } })
    const granted = await routes.requestGrant(
      outsider("/uploads", "POST", { name: "sent.bin", size: 500, type: "application/octet-stream" }),
      {
        params: Promise.resolve({ token }),
      },
    )
    expect(granted.status).toBe(201)
    const grant: SingleGrant = (await granted.json()).upload
    expect((await uploadRow(grant.id))?.keysExpireAt.getTime()).toBe(new Date(grant.expiresAt).getTime())
    const aborted = await routes.requestAbort(outsider(`/uploads/${grant.id}`, "DELETE"), {
      params: Promise.resolve({ token, id: grant.id }),
    })
    expect(aborted.status).toBe(204)

    expect(await put(grant, body(500))).toBe(STORED)
    const key = (await uploadRow(grant.id))?.objectKey ?? ""
    expect(await storage.headObject(key)).not.toBeNull()
    await pastKeyExpiry(grant.id)
    expect((await reaper.runReaperOnce()).swept).toBe(1)
    await expectNothingStored(grant.id)
  })

  it("never sweeps an upload whose file is still there, however old its key", async () => {
    const data = body(300)
    const grant = await grantSingle("kept.bin", data.length)
    expect(await put(grant, data)).toBe(STORED)
    expect((await complete(grant.id)).status).toBe(201)
    // Even a row wrongly marked due is left alone while it holds a file.
    await query(
      database.url,
      `UPDATE "Upload" SET "sweepDueAt" = (now() AT TIME ZONE 'UTC') - interval '1 hour' WHERE id = $1`,
      [grant.id],
    )
    await pastKeyExpiry(grant.id)
    expect(await uploads.sweepClosedUploads()).toBe(0)
    expect(await storage.headObject((await uploadRow(grant.id))?.objectKey ?? "")).not.toBeNull()
  })

  it("a multipart upload that was cancelled: its part URLs die with the abort, and the sweep finds nothing left", async () => {
    const response = await routes.grant(
      apiRequest("POST", "/api/uploads", {
        body: { name: "big.bin", size: 5 * MIB + 10, type: "application/octet-stream" },
        headers: await browserHeaders(owner.id),
      }),
    )
    const grant = (await response.json()).upload
    const signed = await routes.signParts(
      apiRequest("POST", `/api/uploads/${grant.id}/parts`, {
        body: { partNumbers: [2] },
        headers: await browserHeaders(owner.id),
      }),
      params(grant.id),
    )
    const [part] = (await signed.json()).parts
    expect((await uploadRow(grant.id))?.keysExpireAt.getTime()).toBe(new Date(grant.expiresAt).getTime())
    await routes.abort(
      apiRequest("DELETE", `/api/uploads/${grant.id}`, { headers: await browserHeaders(owner.id) }),
      params(grant.id),
    )
    const late = await fetch(part.url, { method: "PUT", body: body(10) })
    await late.arrayBuffer()
    const key = (await uploadRow(grant.id))?.objectKey ?? ""
    if (isAzure) {
      // Azure has no upload id to abort: a part key is a `w` SAS on the blob's name and stages a
      // block until it expires. The guarantee is the sweep's: the late block is gone afterwards.
      expect(late.status).toBe(STORED)
      expect(await storage.listParts({ key, uploadId: grant.id })).toMatchObject([{ partNumber: 2, size: 10 }])
    } else {
      expect(late.status).toBe(404)
    }
    await pastKeyExpiry(grant.id)
    expect((await reaper.runReaperOnce()).swept).toBe(1)
    await expectNothingStored(grant.id)
  })
})

describe(`verified bytes cannot be swapped on ${PROFILE} storage`, () => {
  it("after complete answered 201, the same PUT URL cannot replace the object: downloads get the verified bytes", async () => {
    const data = body(4096)
    const grant = await grantSingle("verified.bin", data.length)
    expect(await put(grant, data)).toBe(STORED)
    const completed = await complete(grant.id)
    expect(completed.status).toBe(201)
    const { file } = await completed.json()

    // Same URL, same signed headers, other bytes of the same size and type.
    expect(await put(grant, body(data.length))).toBe(REWRITE_REFUSED)
    const response = await routes.download(
      apiRequest("GET", `/api/files/${file.id}/download`, { headers: await browserHeaders(owner.id) }),
      params(file.id),
    )
    const fetched = await fetch(response.headers.get("location") ?? "")
    expect(sha256(new Uint8Array(await fetched.arrayBuffer()))).toBe(sha256(data))
    const [row] = await query<{ etag: string }>(database.url, `SELECT etag FROM "File" WHERE id = $1`, [file.id])
    expect((await storage.headObject((await uploadRow(grant.id))?.objectKey ?? ""))?.etag).toBe(row?.etag)
  })

  it("a PUT before completion cannot be overwritten between the upload and the completion either", async () => {
    const data = body(512)
    const grant = await grantSingle("first-wins.bin", data.length)
    expect(await put(grant, data)).toBe(STORED)
    expect(await put(grant, body(data.length))).toBe(REWRITE_REFUSED)
    const completed = await complete(grant.id)
    expect(completed.status).toBe(201)
    const key = (await uploadRow(grant.id))?.objectKey ?? ""
    const get = await storage.presignGet({ key, filename: "x", contentType: "application/octet-stream" })
    expect(sha256(new Uint8Array(await (await fetch(get.url)).arrayBuffer()))).toBe(sha256(data))
  })
})
