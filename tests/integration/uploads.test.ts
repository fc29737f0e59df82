import { createHash, randomBytes } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { apiRequest, browserHeaders, captureLogs, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { isAzure, objectPathOf, partEtagOf, SIGNATURE_PATTERN, STORED } from "@/tests/support/storage-profile"

/**
 * The upload rows of the API against real PostgreSQL and, once per run, each real S3 server:
 * every presigned URL is exercised with fetch, and storage's own refusals are asserted.
 */
const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const MIB = 1024 * 1024

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let routes: {
  grant: typeof import("@/app/api/uploads/route").POST
  abort: typeof import("@/app/api/uploads/[id]/route").DELETE
  signParts: typeof import("@/app/api/uploads/[id]/parts/route").POST
  listParts: typeof import("@/app/api/uploads/[id]/parts/route").GET
  complete: typeof import("@/app/api/uploads/[id]/complete/route").POST
}
let storage: typeof import("@/lib/storage")
let uploads: typeof import("@/lib/uploads")
let owner: { id: string }
let stranger: { id: string }
const logged: string[] = []

const params = (id: string) => ({ params: Promise.resolve({ id }) })
const body = (size: number) => new Uint8Array(randomBytes(size))
const sha256Base64 = (data: Uint8Array) => createHash("sha256").update(data).digest("base64")

type SingleGrant = {
  id: string
  multipart: false
  url: string
  method: "PUT"
  headers: Record<string, string>
  expiresAt: string
}
type MultipartGrant = { id: string; multipart: true; partSize: number; partCount: number; expiresAt: string }

async function grant(input: unknown, userId = owner.id) {
  return routes.grant(apiRequest("POST", "/api/uploads", { body: input, headers: await browserHeaders(userId) }))
}

async function grantOk<T extends SingleGrant | MultipartGrant>(input: unknown): Promise<T> {
  const response = await grant(input)
  expect(response.status, await response.clone().text()).toBe(201)
  return (await response.json()).upload as T
}

async function complete(uploadId: string, input?: unknown, userId = owner.id) {
  return routes.complete(
    apiRequest("POST", `/api/uploads/${uploadId}/complete`, { body: input, headers: await browserHeaders(userId) }),
    params(uploadId),
  )
}

async function signParts(uploadId: string, partNumbers: unknown, userId = owner.id) {
  return routes.signParts(
    apiRequest("POST", `/api/uploads/${uploadId}/parts`, {
      body: { partNumbers },
      headers: await browserHeaders(userId),
    }),
    params(uploadId),
  )
}

async function put(url: string, data: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "PUT", body: data, headers })
  await response.arrayBuffer()
  return response
}

const objectKeyOf = async (uploadId: string) =>
  (await query<{ objectKey: string }>(database.url, `SELECT "objectKey" FROM "Upload" WHERE id = $1`, [uploadId]))[0]
    ?.objectKey ?? ""
const statusOf = async (uploadId: string) =>
  (await query<{ status: string }>(database.url, `SELECT status FROM "Upload" WHERE id = $1`, [uploadId]))[0]?.status
const count = async (table: string) =>
  Number((await query<{ count: string }>(database.url, `SELECT count(*) FROM "${table}"`))[0]?.count)

beforeAll(async () => {
  database = await useFreshDatabase({
    MAX_FILE_SIZE_BYTES: String(64 * MIB),
    USER_QUOTA_BYTES: String(100 * MIB),
    MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
    MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
  })
  captureLogs(logged)
  routes = {
    grant: (await import("@/app/api/uploads/route")).POST,
    abort: (await import("@/app/api/uploads/[id]/route")).DELETE,
    signParts: (await import("@/app/api/uploads/[id]/parts/route")).POST,
    listParts: (await import("@/app/api/uploads/[id]/parts/route")).GET,
    complete: (await import("@/app/api/uploads/[id]/complete/route")).POST,
  }
  storage = await import("@/lib/storage")
  uploads = await import("@/lib/uploads")
  const { registerUser } = await import("@/lib/accounts")
  owner = await registerUser({ email: "owner@example.com", password: "perfectly-fine-1" })
  stranger = await registerUser({ email: "stranger@example.com", password: "perfectly-fine-2" })
})

afterAll(async () => {
  vi.restoreAllMocks()
  await database.cleanUp()
})

describe(`uploads on ${PROFILE} storage`, () => {
  describe("a small file (single presigned PUT)", () => {
    it("grants a PUT for a server-minted key, verifies it in storage, records the file once", async () => {
      const data = body(3000)
      const upload = await grantOk<SingleGrant>({
        name: "../../etc/passwd report.pdf",
        size: data.length,
        type: "application/pdf",
      })
      expect(upload).toMatchObject({ multipart: false, method: "PUT", headers: { "content-type": "application/pdf" } })
      // The display name never reaches the key: u/<user>/<upload id>.
      expect(new URL(upload.url).pathname).toBe(objectPathOf(`u/${owner.id}/${upload.id}`))
      if (isAzure) {
        // A create-only key for one blob; nothing of the request's content can be signed.
        expect(new URL(upload.url).searchParams.get("sp")).toBe("c")
        expect(new URL(upload.url).searchParams.get("sr")).toBe("b")
        expect(upload.headers).toMatchObject({
          "x-ms-blob-type": "BlockBlob",
          "x-ms-blob-content-type": "application/pdf",
        })
      } else {
        const signed = new URL(upload.url).searchParams.get("X-Amz-SignedHeaders")?.split(";")
        expect(signed).toEqual(expect.arrayContaining(["content-length", "content-type", "host"]))
      }
      expect(new Date(upload.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(900_000)

      expect((await put(upload.url, data, upload.headers)).status).toBe(STORED)
      const first = await complete(upload.id)
      expect(first.status).toBe(201)
      const { file } = await first.json()
      expect(file).toEqual({
        id: expect.any(String),
        name: "../../etc/passwd report.pdf",
        size: 3000,
        type: "application/pdf",
        createdAt: expect.any(String),
      })

      const again = await complete(upload.id)
      expect(again.status).toBe(200)
      expect((await again.json()).file).toEqual(file)
      expect(await query(database.url, `SELECT id FROM "File" WHERE "uploadId" = $1`, [upload.id])).toHaveLength(1)
      expect(await statusOf(upload.id)).toBe("COMPLETED")
    })

    it("writes one audit row per minted key, without the URL", async () => {
      const upload = await grantOk<SingleGrant>({ name: "audited.txt", size: 10, type: "text/plain" })
      const rows = await query<Record<string, unknown>>(
        database.url,
        `SELECT * FROM "AuditEvent" WHERE "uploadId" = $1`,
        [upload.id],
      )
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({
        action: "upload.put",
        method: "PUT",
        actorId: owner.id,
        via: "session",
        objectKey: `u/${owner.id}/${upload.id}`,
      })
      // The row holds the handed-out key's expiry, and is stamped now (UTC, like Prisma's own rows).
      expect((rows[0]?.expiresAt as Date).toISOString()).toBe(upload.expiresAt)
      expect(Math.abs((rows[0]?.createdAt as Date).getTime() - Date.now())).toBeLessThan(60_000)
      expect(JSON.stringify(rows)).not.toMatch(/X-Amz-|Signature|[?&]sig=|https?:\/\//)
    })

    it("leaves storage to refuse a body of another size or type than granted", async () => {
      const data = body(1000)
      const upload = await grantOk<SingleGrant>({ name: "strict.bin", size: data.length, type: "image/png" })
      if (!isAzure) {
        expect((await put(upload.url, body(1001), upload.headers)).status).toBe(403)
        expect((await put(upload.url, data, { "content-type": "text/html" })).status).toBe(403)
        expect(await storage.headObject(await objectKeyOf(upload.id))).toBeNull()
        return
      }
      // A SAS signs neither length nor type: storage takes the body, completion refuses it (422)
      // and leaves nothing behind.
      expect((await put(upload.url, body(1001), upload.headers)).status).toBe(STORED)
      expect((await complete(upload.id)).status).toBe(422)
      expect(await storage.headObject(await objectKeyOf(upload.id))).toBeNull()
      expect(await statusOf(upload.id)).toBe("REJECTED")
      const retyped = await grantOk<SingleGrant>({ name: "strict.bin", size: data.length, type: "image/png" })
      const htmlHeaders = { ...retyped.headers, "x-ms-blob-content-type": "text/html", "content-type": "text/html" }
      expect((await put(retyped.url, data, htmlHeaders)).status).toBe(STORED)
      const refused = await complete(retyped.id)
      expect(refused.status).toBe(422)
      expect((await refused.json()).error.message).toContain("text/html")
      expect(await storage.headObject(await objectKeyOf(retyped.id))).toBeNull()
      expect(
        await query(database.url, `SELECT id FROM "File" WHERE "uploadId" = ANY($1)`, [[upload.id, retyped.id]]),
      ).toEqual([])
    })

    it("signs a client-supplied SHA-256 that the browser must then send", async () => {
      const data = body(500)
      const upload = await grantOk<SingleGrant>({
        name: "hashed.bin",
        size: data.length,
        type: "application/octet-stream",
        sha256: sha256Base64(data),
      })
      if (isAzure) {
        // A SAS cannot carry a checksum: the digest stays the client's claim, recorded as such.
        expect(upload.headers["x-amz-checksum-sha256"]).toBeUndefined()
        expect((await put(upload.url, data, upload.headers)).status).toBe(STORED)
        expect((await complete(upload.id)).status).toBe(201)
        const [row] = await query<{ sha256: string }>(database.url, `SELECT sha256 FROM "File" WHERE "uploadId" = $1`, [
          upload.id,
        ])
        expect(row?.sha256).toBe(sha256Base64(data))
        return
      }
      expect(upload.headers["x-amz-checksum-sha256"]).toBe(sha256Base64(data))
      expect((await put(upload.url, data, { "content-type": "application/octet-stream" })).status).toBe(403)
      expect((await put(upload.url, data, upload.headers)).status).toBe(STORED)
      expect((await complete(upload.id)).status).toBe(201)
    })

    it("answers 409 upload_incomplete when completing before anything was uploaded, and records nothing", async () => {
      const upload = await grantOk<SingleGrant>({ name: "early.txt", size: 5, type: "text/plain" })
      const response = await complete(upload.id)
      expect(response.status).toBe(409)
      expect((await response.json()).error.code).toBe("upload_incomplete")
      expect(await statusOf(upload.id)).toBe("PENDING")
      expect(await query(database.url, `SELECT id FROM "File" WHERE "uploadId" = $1`, [upload.id])).toEqual([])
    })

    it("answers 422 for an object swapped for one of another size, deleting it and recording nothing", async () => {
      const upload = await grantOk<SingleGrant>({ name: "swapped.bin", size: 2000, type: "application/octet-stream" })
      const key = await objectKeyOf(upload.id)
      // Someone with another key for the same object (or storage-side access) put other bytes there.
      const other = await storage.presignPut({ key, contentType: "application/octet-stream", size: 2500 })
      expect((await put(other.url, body(2500), other.headers)).status).toBe(STORED)

      const response = await complete(upload.id)
      expect(response.status).toBe(422)
      expect((await response.json()).error).toMatchObject({
        code: "upload_mismatch",
        message: expect.stringContaining("2500 bytes"),
      })
      expect(await storage.headObject(key)).toBeNull()
      expect(await statusOf(upload.id)).toBe("REJECTED")
      expect(await query(database.url, `SELECT id FROM "File" WHERE "uploadId" = $1`, [upload.id])).toEqual([])
      expect((await complete(upload.id)).status).toBe(409)
    })

    it("answers 422 for an object of the right size but another type", async () => {
      const upload = await grantOk<SingleGrant>({ name: "retyped.bin", size: 300, type: "application/pdf" })
      const key = await objectKeyOf(upload.id)
      const other = await storage.presignPut({ key, contentType: "text/html", size: 300 })
      expect((await put(other.url, body(300), other.headers)).status).toBe(STORED)
      expect((await complete(upload.id)).status).toBe(422)
      expect(await storage.headObject(key)).toBeNull()
    })
  })

  describe("limits come before any key", () => {
    it("refuses an over-size file with 413 file_too_large and mints nothing", async () => {
      const [uploadsBefore, auditBefore] = [await count("Upload"), await count("AuditEvent")]
      const response = await grant({ name: "huge.iso", size: 64 * MIB + 1, type: "application/octet-stream" })
      expect(response.status).toBe(413)
      expect((await response.json()).error).toEqual({
        code: "file_too_large",
        message: "Files may be at most 64 MiB; this one is 64 MiB",
      })
      expect([await count("Upload"), await count("AuditEvent")]).toEqual([uploadsBefore, auditBefore])
    })

    it("counts uploads in flight against the quota: 403 quota_exceeded, nothing minted", async () => {
      const big = await grantOk<MultipartGrant>({
        name: "in-flight.bin",
        size: 60 * MIB,
        type: "application/octet-stream",
      })
      const [uploadsBefore, auditBefore] = [await count("Upload"), await count("AuditEvent")]
      const response = await grant({ name: "one-too-many.bin", size: 40 * MIB, type: "application/octet-stream" })
      expect(response.status).toBe(403)
      expect((await response.json()).error.code).toBe("quota_exceeded")
      expect([await count("Upload"), await count("AuditEvent")]).toEqual([uploadsBefore, auditBefore])
      // Cancelling the in-flight upload frees its share of the quota.
      expect(
        (
          await routes.abort(
            apiRequest("DELETE", `/api/uploads/${big.id}`, { headers: await browserHeaders(owner.id) }),
            params(big.id),
          )
        ).status,
      ).toBe(204)
      expect((await grant({ name: "now-fits.bin", size: 40 * MIB, type: "application/octet-stream" })).status).toBe(201)
    })

    it("lets concurrent grants fill the quota exactly, never beyond it", async () => {
      const { registerUser } = await import("@/lib/accounts")
      const racer = await registerUser({ email: "racer@example.com", password: "perfectly-fine-3" })
      await query(database.url, `UPDATE "User" SET "quotaBytes" = $2 WHERE id = $1`, [racer.id, 5 * MIB])
      const responses = await Promise.all(
        Array.from({ length: 12 }, (_, index) =>
          grant({ name: `race-${index}.bin`, size: MIB, type: "application/octet-stream" }, racer.id),
        ),
      )
      expect(responses.map((response) => response.status).sort()).toEqual([
        ...Array(5).fill(201),
        ...Array(7).fill(403),
      ])
      const [uploaded] = await query<{ count: string; bytes: string }>(
        database.url,
        `SELECT count(*), sum(size) AS bytes FROM "Upload" WHERE "ownerId" = $1`,
        [racer.id],
      )
      expect([Number(uploaded?.count), Number(uploaded?.bytes)]).toEqual([5, 5 * MIB])
      expect(await query(database.url, `SELECT id FROM "AuditEvent" WHERE "actorId" = $1`, [racer.id])).toHaveLength(5)
    })

    it("answers 429 with Retry-After once a user has started too many uploads", async () => {
      await query(
        database.url,
        `INSERT INTO "RateLimit" (key, hits, "resetAt") VALUES ($1, $2, (now() AT TIME ZONE 'UTC') + interval '5 minutes')`,
        [`upload:user:${stranger.id}`, uploads.uploadGrantLimit().limit],
      )
      const before = await count("Upload")
      const response = await grant({ name: "spam.txt", size: 1, type: "text/plain" }, stranger.id)
      expect(response.status).toBe(429)
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(250)
      expect(await count("Upload")).toBe(before)
    })

    it.each([
      ["no name", { size: 1, type: "text/plain" }, "name"],
      ["a name with a control character", { name: "a\u0007b", size: 1 }, "name"],
      ["a negative size", { name: "a", size: -1 }, "size"],
      ["a fractional size", { name: "a", size: 1.5 }, "size"],
      ["a size as text", { name: "a", size: "10" }, "size"],
      ["a bad media type", { name: "a", size: 1, type: "not a type" }, "type"],
      ["a bad checksum", { name: "a", size: 1, sha256: "abc" }, "sha256"],
    ])("answers 400 for %s and creates nothing", async (_case, input, field) => {
      const before = await count("Upload")
      const response = await grant(input)
      expect(response.status).toBe(400)
      expect((await response.json()).error.issues.map((issue: { path: string }) => issue.path)).toContain(field)
      expect(await count("Upload")).toBe(before)
    })
  })

  describe("a big file (multipart)", () => {
    it("signs each part for its exact size, completes server-side and reads back the same bytes", async () => {
      const data = body(5 * MIB + 4321)
      const upload = await grantOk<MultipartGrant>({ name: "big.zip", size: data.length, type: "application/zip" })
      expect(upload).toMatchObject({ multipart: true, partSize: 5 * MIB, partCount: 2 })

      const signed = await signParts(upload.id, [1, 2])
      expect(signed.status).toBe(200)
      const { parts } = (await signed.json()) as { parts: { partNumber: number; size: number; url: string }[] }
      expect(parts.map((part) => [part.partNumber, part.size])).toEqual([
        [1, 5 * MIB],
        [2, 4321],
      ])
      // A part of the wrong length is refused by storage itself (S3: the length is signed); Azure
      // stages it, and the right one staged again under the same block id replaces it.
      expect((await put(parts[1]?.url ?? "", body(4322))).status).toBe(isAzure ? STORED : 403)

      const etags = await Promise.all(
        parts.map(async (part) => {
          const start = (part.partNumber - 1) * 5 * MIB
          const response = await put(part.url, data.slice(start, start + part.size))
          expect(response.status).toBe(STORED)
          return { partNumber: part.partNumber, etag: partEtagOf(response, part.url) ?? "" }
        }),
      )

      const listed = await routes.listParts(
        apiRequest("GET", `/api/uploads/${upload.id}/parts`, { headers: await browserHeaders(owner.id) }),
        params(upload.id),
      )
      expect(await listed.json()).toEqual({
        listed: true,
        parts: etags.map((part, index) => ({ ...part, size: index === 0 ? 5 * MIB : 4321 })),
      })

      const completed = await complete(upload.id, { parts: etags })
      expect(completed.status).toBe(201)
      const key = await objectKeyOf(upload.id)
      expect(await storage.headObject(key)).toMatchObject({ size: data.length, contentType: "application/zip" })
      const download = await storage.presignGet({ key, filename: "big.zip", contentType: "application/zip" })
      const downloaded = new Uint8Array(await (await fetch(download.url)).arrayBuffer())
      expect(sha256Base64(downloaded)).toBe(sha256Base64(data))

      // One row per signing call, listing its parts (issue 20).
      const audit = await query<{ details: { partNumbers: number[] } }>(
        database.url,
        `SELECT details FROM "AuditEvent" WHERE "uploadId" = $1 AND action = 'upload.part'`,
        [upload.id],
      )
      expect(audit.map((row) => row.details.partNumbers)).toEqual([[1, 2]])
    })

    it("answers 409 upload_incomplete while parts are missing, and completes once they are there", async () => {
      const data = body(5 * MIB + 10)
      const upload = await grantOk<MultipartGrant>({
        name: "partial.bin",
        size: data.length,
        type: "application/octet-stream",
      })
      const { parts } = await (await signParts(upload.id, [1, 2])).json()
      const first = await put(parts[0].url, data.slice(0, 5 * MIB))
      const partial = await complete(upload.id, { parts: [{ partNumber: 1, etag: partEtagOf(first, parts[0].url) }] })
      expect(partial.status).toBe(409)
      expect((await partial.json()).error.code).toBe("upload_incomplete")

      const second = await put(parts[1].url, data.slice(5 * MIB))
      const etags = [
        { partNumber: 1, etag: partEtagOf(first, parts[0].url) },
        { partNumber: 2, etag: partEtagOf(second, parts[1].url) },
      ]
      expect((await complete(upload.id, { parts: etags })).status).toBe(201)
    })

    it("answers 400 for part numbers outside the grant and re-signs parts while open", async () => {
      const upload = await grantOk<MultipartGrant>({
        name: "ranges.bin",
        size: 5 * MIB + 1,
        type: "application/octet-stream",
      })
      for (const partNumbers of [[0], [3], [1, 3], [], [1, 1], [1.5]]) {
        const response = await signParts(upload.id, partNumbers)
        expect(response.status, JSON.stringify(partNumbers)).toBe(400)
      }
      const again = await signParts(upload.id, [2])
      expect(again.status).toBe(200)
      expect((await signParts(upload.id, [2])).status).toBe(200)
    })

    it("aborts: 204, the parts are freed, and the upload takes no more parts", async () => {
      const upload = await grantOk<MultipartGrant>({
        name: "cancelled.bin",
        size: 5 * MIB + 1,
        type: "application/octet-stream",
      })
      const { parts } = await (await signParts(upload.id, [2])).json()
      expect((await put(parts[0].url, body(1))).status).toBe(STORED)
      const response = await routes.abort(
        apiRequest("DELETE", `/api/uploads/${upload.id}`, { headers: await browserHeaders(owner.id) }),
        params(upload.id),
      )
      expect(response.status).toBe(204)
      expect(await statusOf(upload.id)).toBe("ABORTED")
      expect((await signParts(upload.id, [1])).status).toBe(409)
      const [row] = await query<{ objectKey: string; multipartUploadId: string }>(
        database.url,
        `SELECT "objectKey", "multipartUploadId" FROM "Upload" WHERE id = $1`,
        [upload.id],
      )
      // Storage no longer knows the upload: its parts are gone (Azure: no blob, so no blocks).
      expect(await storage.listParts({ key: row?.objectKey ?? "", uploadId: row?.multipartUploadId ?? "" })).toEqual(
        isAzure ? [] : null,
      )
    })

    it("refuses part signing for a single-PUT upload with 409", async () => {
      const upload = await grantOk<SingleGrant>({ name: "single.txt", size: 3, type: "text/plain" })
      const response = await signParts(upload.id, [1])
      expect(response.status).toBe(409)
      expect((await response.json()).error.code).toBe("not_multipart")
    })
  })

  describe("someone else's upload", () => {
    it("is a 404 for complete, parts and abort, and stays untouched", async () => {
      const upload = await grantOk<MultipartGrant>({
        name: "private.bin",
        size: 5 * MIB + 1,
        type: "application/octet-stream",
      })
      const headers = await browserHeaders(stranger.id)
      const responses = [
        await complete(upload.id, undefined, stranger.id),
        await signParts(upload.id, [1], stranger.id),
        await routes.listParts(apiRequest("GET", `/api/uploads/${upload.id}/parts`, { headers }), params(upload.id)),
        await routes.abort(apiRequest("DELETE", `/api/uploads/${upload.id}`, { headers }), params(upload.id)),
      ]
      for (const response of responses) {
        expect(response.status).toBe(404)
        expect((await response.json()).error).toEqual({ code: "not_found", message: "Upload not found" })
      }
      expect(await statusOf(upload.id)).toBe("PENDING")
    })

    it("answers 401 without credentials", async () => {
      const response = await routes.grant(apiRequest("POST", "/api/uploads", { body: { name: "a", size: 1 } }))
      expect(response.status).toBe(401)
    })
  })

  describe("the reaper", () => {
    it("closes expired uploads and removes what storage held; live ones are left alone", async () => {
      const data = body(800)
      const stale = await grantOk<SingleGrant>({
        name: "stale.bin",
        size: data.length,
        type: "application/octet-stream",
      })
      expect((await put(stale.url, data, stale.headers)).status).toBe(STORED)
      const staleMultipart = await grantOk<MultipartGrant>({
        name: "stale-big.bin",
        size: 5 * MIB + 1,
        type: "application/octet-stream",
      })
      const live = await grantOk<SingleGrant>({ name: "live.bin", size: 5, type: "application/octet-stream" })
      await query(
        database.url,
        `UPDATE "Upload" SET "expiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 minute' WHERE id = ANY($1)`,
        [[stale.id, staleMultipart.id]],
      )

      // Two reapers at once (two app instances) must not trip over each other.
      const reaped = await Promise.all([uploads.reapExpiredUploads(), uploads.reapExpiredUploads()])
      expect(reaped.reduce((sum, value) => sum + value, 0)).toBe(2)
      expect(await statusOf(stale.id)).toBe("EXPIRED")
      expect(await statusOf(staleMultipart.id)).toBe("EXPIRED")
      expect(await statusOf(live.id)).toBe("PENDING")
      expect(await storage.headObject(await objectKeyOf(stale.id))).toBeNull()
      expect((await complete(stale.id)).status).toBe(409)
      expect(await uploads.reapExpiredUploads()).toBe(0)
    })
  })

  describe("the reaper on an interval and from the command line", () => {
    const expireNow = (id: string) =>
      query(
        database.url,
        `UPDATE "Upload" SET "expiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 second' WHERE id = $1`,
        [id],
      )

    it("runs inside the server on its interval", async () => {
      const upload = await grantOk<SingleGrant>({ name: "interval.bin", size: 5, type: "application/octet-stream" })
      await expireNow(upload.id)
      const { startReaper } = await import("@/lib/reaper")
      startReaper(1)
      await expect.poll(() => statusOf(upload.id), { timeout: 10_000, interval: 200 }).toBe("EXPIRED")
    })

    it("runs once as `npm run reap`", async () => {
      const upload = await grantOk<SingleGrant>({ name: "cron.bin", size: 5, type: "application/octet-stream" })
      await expireNow(upload.id)
      const { execFile } = await import("node:child_process")
      const output = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ["--import", "tsx", "scripts/reap.ts"],
          { env: { ...process.env, REAPER_INTERVAL_SECONDS: "0" } },
          (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
        ),
      )
      expect(output).toMatch(/^reap: closed \d+ expired upload\(s\), dropped \d+ finished rate-limit window\(s\)$/m)
      expect(await statusOf(upload.id)).toBe("EXPIRED")
    })
  })

  describe("the files list and the owner's download", () => {
    it("lists the owner's files newest first in cursor pages, and 404s anyone else's", async () => {
      const files = await import("@/app/api/files/route")
      const file = await import("@/app/api/files/[id]/route")
      const headers = await browserHeaders(owner.id)
      const all = await (await files.GET(apiRequest("GET", "/api/files?limit=100", { headers }))).json()
      expect(all.files.length).toBeGreaterThanOrEqual(4)
      const times = all.files.map((entry: { createdAt: string }) => entry.createdAt)
      expect([...times].sort().reverse()).toEqual(times)

      const first = await (await files.GET(apiRequest("GET", "/api/files?limit=2", { headers }))).json()
      expect(first.files).toEqual(all.files.slice(0, 2))
      const second = await (
        await files.GET(apiRequest("GET", `/api/files?limit=2&cursor=${first.nextCursor}`, { headers }))
      ).json()
      expect(second.files).toEqual(all.files.slice(2, 4))

      const strangers = await (
        await files.GET(apiRequest("GET", "/api/files", { headers: await browserHeaders(stranger.id) }))
      ).json()
      expect(strangers).toEqual({ files: [], nextCursor: null })
      const foreign = await file.GET(
        apiRequest("GET", `/api/files/${all.files[0].id}`, { headers: await browserHeaders(stranger.id) }),
        params(all.files[0].id),
      )
      expect(foreign.status).toBe(404)
      expect((await files.GET(apiRequest("GET", "/api/files?limit=0", { headers }))).status).toBe(400)
    })

    it("redirects the owner to a fresh presigned GET that downloads the bytes as an attachment", async () => {
      const data = body(1234)
      const upload = await grantOk<SingleGrant>({
        name: "résumé final.pdf",
        size: data.length,
        type: "application/pdf",
      })
      await put(upload.url, data, upload.headers)
      const { file } = await (await complete(upload.id)).json()
      const download = await import("@/app/api/files/[id]/download/route")

      const response = await download.GET(
        apiRequest("GET", `/api/files/${file.id}/download`, { headers: await browserHeaders(owner.id) }),
        params(file.id),
      )
      expect(response.status).toBe(302)
      expect(response.headers.get("cache-control")).toBe("no-store")
      const fetched = await fetch(response.headers.get("location") ?? "")
      expect(sha256Base64(new Uint8Array(await fetched.arrayBuffer()))).toBe(sha256Base64(data))
      expect(fetched.headers.get("content-disposition")).toMatch(
        /^attachment; filename="resume final.pdf"; filename\*=UTF-8''r%C3%A9sum%C3%A9%20final.pdf$/,
      )

      // Not the owner: 404. The owner's audit trail has the minted GET, without the URL.
      const foreign = await download.GET(
        apiRequest("GET", `/api/files/${file.id}/download`, { headers: await browserHeaders(stranger.id) }),
        params(file.id),
      )
      expect(foreign.status).toBe(404)
      const audit = await query<Record<string, unknown>>(
        database.url,
        `SELECT * FROM "AuditEvent" WHERE "fileId" = $1 ORDER BY "createdAt"`,
        [file.id],
      )
      expect(audit.map((row) => row.action)).toEqual(["upload.complete", "download.get"])
      expect(audit[1]).toMatchObject({ action: "download.get", method: "GET", actorId: owner.id })
      expect(JSON.stringify(audit)).not.toMatch(/X-Amz-|https?:\/\//)
    })
  })

  it("never logged a presigned URL, signature or credential", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    expect(text).not.toContain(process.env.S3_SECRET_ACCESS_KEY ?? "<no secret>")
    expect(text).not.toContain(process.env.AZURE_STORAGE_KEY ?? "<no secret>")
  })
})
