import { describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { isAzure, partEtagOf, SIGNATURE_PATTERN, STORED } from "@/tests/support/storage-profile"
import {
  setUpUploadsWorld,
  PROFILE,
  MIB,
  database,
  routes,
  storage,
  owner,
  logged,
  params,
  body,
  sha256Base64,
  type SingleGrant,
  type MultipartGrant,
  grantOk,
  complete,
  signParts,
  put,
  objectKeyOf,
  statusOf,
} from "@/tests/support/uploads/world"

/**
 * A big file in parts: each part signed for its exact size, completion server-side, missing parts,
 * part numbers outside the grant, abort.
 */
setUpUploadsWorld()

describe(`uploads on ${PROFILE} storage: multipart`, () => {
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

  it("never logged a presigned URL, signature or credential", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    expect(text).not.toContain(process.env.S3_SECRET_ACCESS_KEY ?? "<no secret>")
    expect(text).not.toContain(process.env.AZURE_STORAGE_KEY ?? "<no secret>")
  })
})
