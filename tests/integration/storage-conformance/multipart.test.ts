import { createHash } from "node:crypto"
import { describe, expect, it } from "vitest"
import {
  abortMultipartUpload,
  completeMultipartUpload,
  headObject,
  listParts,
  presignGet,
  presignPart,
} from "@/lib/storage"
import { isAzure } from "@/tests/support/storage-profile"
import {
  setUpConformanceWorld,
  PROFILE,
  MIB,
  openUploads,
  newKey,
  randomBody,
  replaceQueryValue,
  signedHeadersOf,
  fetchDigest,
  statusOf,
  startMultipart,
  finishMultipart,
} from "@/tests/support/storage-conformance/world"

/**
 * Multipart uploads through presigned part URLs, each part's size signed.
 */
setUpConformanceWorld()

describe.skipIf(isAzure)(
  `storage conformance on ${PROFILE} storage: multipart (Azure: see storage-conformance-azure/)`,
  () => {
    describe("multipart upload with presigned part URLs", () => {
      it("uploads a 5 MiB part and a small last part, completes, and reads back the same bytes", async () => {
        const key = newKey("multipart.bin")
        const parts = [randomBody(5 * MIB), randomBody(1234)]
        const uploadId = await startMultipart(key, "application/zip")

        const uploaded = await Promise.all(
          parts.map(async (body, index) => {
            const partNumber = index + 1
            const url = await presignPart({ key, uploadId, partNumber })
            const response = await fetch(url.url, { method: "PUT", body })
            await response.arrayBuffer()
            expect(response.status).toBe(200)
            const etag = response.headers.get("etag")
            if (!etag) throw new Error(`part ${partNumber}: no ETag header`)
            return { partNumber, etag }
          }),
        )
        // Ceph 16 answers CompleteMultipartUpload with an empty ETag, so only HeadObject is trusted.
        await finishMultipart(key, uploadId, uploaded)

        const totalSize = parts.reduce((sum, body) => sum + body.length, 0)
        expect(await headObject(key)).toMatchObject({ size: totalSize, contentType: "application/zip" })
        const expected = createHash("sha256")
        for (const body of parts) expected.update(body)
        const get = await presignGet({ key, filename: "multipart.bin", contentType: "application/octet-stream" })
        const downloaded = await fetchDigest(get.url)
        expect(downloaded.status).toBe(200)
        const digest = expected.digest("hex")
        expect(downloaded.sha256).toBe(digest)

        // The part URLs die with the completion: storage no longer knows the upload id.
        const again = await presignPart({ key, uploadId, partNumber: 2 })
        const late = await fetch(again.url, { method: "PUT", body: randomBody(1234) })
        expect(late.status).toBe(404)
        expect(await late.text()).toContain("NoSuchUpload")
        expect((await fetchDigest(get.url)).sha256).toBe(digest)
      })

      it("refuses a part URL with its partNumber or uploadId changed", async () => {
        const key = newKey("multipart-tampered.bin")
        const body = randomBody(2000)
        const uploadId = await startMultipart(key, "application/octet-stream")
        const part = await presignPart({ key, uploadId, partNumber: 1 })

        expect(
          await statusOf(
            replaceQueryValue(part.url, "partNumber", () => "2"),
            { method: "PUT", body },
          ),
        ).toBe(403)
        const otherUploadId = await startMultipart(key, "application/octet-stream")
        const foreignUpload = replaceQueryValue(part.url, "uploadId", () => encodeURIComponent(otherUploadId))
        expect(await statusOf(foreignUpload, { method: "PUT", body })).toBe(403)

        const genuine = await fetch(part.url, { method: "PUT", body })
        await genuine.arrayBuffer()
        expect(genuine.status).toBe(200)
        const etag = genuine.headers.get("etag")
        if (!etag) throw new Error("no ETag header")
        // Storage lists only the genuine part (s3rver through this project's patch).
        expect(await listParts({ key, uploadId })).toEqual([{ partNumber: 1, etag, size: body.length }])

        await finishMultipart(key, uploadId, [{ partNumber: 1, etag }])
        expect((await headObject(key))?.size).toBe(body.length)
      })
    })

    describe("a part URL with its size signed", () => {
      it("refuses a part of any other length, and accepts the exact one", async () => {
        const key = newKey("multipart-sized.bin")
        const uploadId = await startMultipart(key, "application/octet-stream")
        const part = await presignPart({ key, uploadId, partNumber: 1, size: 4000 })
        expect(signedHeadersOf(part.url)).toContain("content-length")
        expect(await statusOf(part.url, { method: "PUT", body: randomBody(4001) })).toBe(403)
        expect(await statusOf(part.url, { method: "PUT", body: randomBody(3999) })).toBe(403)
        const genuine = await fetch(part.url, { method: "PUT", body: randomBody(4000) })
        await genuine.arrayBuffer()
        expect(genuine.status).toBe(200)
      })

      it("lets a completion with an ETag that is not the part's fail as a client error, not an outage", async () => {
        const key = newKey("multipart-wrong-etag.bin")
        const uploadId = await startMultipart(key, "application/octet-stream")
        const part = await presignPart({ key, uploadId, partNumber: 1, size: 100 })
        await (await fetch(part.url, { method: "PUT", body: randomBody(100) })).arrayBuffer()
        const wrongEtag = '"0123456789abcdef0123456789abcdef"'
        expect(await completeMultipartUpload({ key, uploadId, parts: [{ partNumber: 1, etag: wrongEtag }] })).toBe(
          false,
        )
        expect(await completeMultipartUpload({ key, uploadId, parts: [{ partNumber: 2, etag: wrongEtag }] })).toBe(
          false,
        )
        expect(await headObject(key)).toBeNull()
      })

      it("lists the stored parts, and an aborted upload is gone with its parts", async () => {
        const key = newKey("multipart-abort.bin")
        const uploadId = await startMultipart(key, "application/octet-stream")
        for (const partNumber of [1, 2, 3]) {
          const part = await presignPart({ key, uploadId, partNumber, size: 10 })
          expect(await statusOf(part.url, { method: "PUT", body: randomBody(10) })).toBe(200)
        }
        expect((await listParts({ key, uploadId }))?.map((part) => part.partNumber)).toEqual([1, 2, 3])
        // The upload id belongs to its key: another key does not see it.
        expect(await listParts({ key: newKey("elsewhere.bin"), uploadId })).toBeNull()
        expect(await abortMultipartUpload({ key, uploadId })).toBe(true)
        openUploads.delete(uploadId)
        expect(await listParts({ key, uploadId })).toBeNull()
        expect(await abortMultipartUpload({ key, uploadId })).toBe(false)
      })
    })
  },
)
