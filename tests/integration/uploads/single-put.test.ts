import { describe, expect, it } from "vitest"
import { query } from "@/tests/support/database"
import { isAzure, objectPathOf, SIGNATURE_PATTERN, STORED } from "@/tests/support/storage-profile"
import {
  setUpUploadsWorld,
  PROFILE,
  database,
  storage,
  owner,
  logged,
  body,
  sha256Base64,
  type SingleGrant,
  grantOk,
  complete,
  put,
  objectKeyOf,
  statusOf,
} from "@/tests/support/uploads/world"

/**
 * A small file through one presigned PUT: the server-minted key, one audit row per key, storage
 * refusing another size, type or checksum, and completion refusing what was not granted (409, 422).
 */
setUpUploadsWorld()

describe(`uploads on ${PROFILE} storage: a small file`, () => {
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

  it("never logged a presigned URL, signature or credential", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    expect(text).not.toContain(process.env.S3_SECRET_ACCESS_KEY ?? "<no secret>")
    expect(text).not.toContain(process.env.AZURE_STORAGE_KEY ?? "<no secret>")
  })
})
