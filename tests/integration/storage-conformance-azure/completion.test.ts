import { randomBytes } from "node:crypto"
import { describe, expect, it } from "vitest"
import { isAzure } from "@/tests/support/storage-profile"
import {
  setUpAzureConformanceWorld,
  PROFILE,
  MIB,
  storage,
  uploads,
  files,
  owner,
  randomBody,
  sha256Hex,
  newKey,
  send,
  statusOf,
  withoutBlockQuery,
  PUT_BLOB,
  storeSealed,
  completionStatus,
  objectKeyOf,
} from "@/tests/support/storage-conformance-azure/world"

/**
 * What completion refuses because a SAS cannot sign it (422, the blob deleted, nothing recorded):
 * page, append and copied blobs, early or resized block lists, re-commits; HTML as an attachment;
 * aborted multipart uploads.
 */
setUpAzureConformanceWorld()

describe.runIf(isAzure)(
  `Azure SAS conformance on ${PROFILE} storage: completion refuses what a SAS cannot sign`,
  () => {
    describe("completion refuses what a SAS cannot sign, deletes it and records nothing (422)", () => {
      async function grantSingle(size: number, type = "application/octet-stream") {
        const grant = await uploads.grantUpload(owner, {
          name: `attack-${randomBytes(3).toString("hex")}.bin`,
          size,
          type,
        })
        if (grant.multipart) throw new Error("expected a single PUT")
        return grant
      }

      async function expectRejected(uploadId: string) {
        expect(await completionStatus(uploadId)).toBe(422)
        expect(await storage.headObject(objectKeyOf(uploadId))).toBeNull()
        const { getDb } = await import("@/lib/db")
        expect(await getDb().file.findUnique({ where: { uploadId } })).toBeNull()
        expect((await getDb().upload.findUniqueOrThrow({ where: { id: uploadId } })).status).toBe("REJECTED")
      }

      it("a page blob through a create key (a 1 TiB sparse blob, no bytes sent)", async () => {
        const grant = await grantSingle(1000)
        const headers = {
          "x-ms-blob-type": "PageBlob",
          "x-ms-blob-content-length": String(2 ** 40),
          "x-ms-blob-content-type": "application/octet-stream",
        }
        expect(await statusOf(grant.url, { method: "PUT", headers })).toBe(201)
        expect((await storage.headObject(objectKeyOf(grant.id)))?.size).toBe(2 ** 40)
        await expectRejected(grant.id)
      })

      it("an append blob through a create key", async () => {
        const grant = await grantSingle(1000)
        expect(await statusOf(grant.url, { method: "PUT", headers: { "x-ms-blob-type": "AppendBlob" } })).toBe(201)
        await expectRejected(grant.id)
      })

      it("a Copy Blob into the create key (bytes that never came from the browser)", async () => {
        const sourceKey = newKey("copy-source.bin")
        const source = randomBody(1000)
        const version = await storeSealed(sourceKey, source)
        const sourceUrl = (await storage.presignGet({ key: sourceKey, filename: "s.bin", version })).url
        const grant = await grantSingle(1000)
        expect(await statusOf(grant.url, { method: "PUT", headers: { "x-ms-copy-source": sourceUrl } })).toBe(202)
        const copied = await storage.headObject(objectKeyOf(grant.id))
        expect(copied).toMatchObject({ size: 1000, problem: expect.stringContaining("copy") })
        await expectRejected(grant.id)
      })

      it("a block list committed by the client's part key before completion", async () => {
        const data = randomBody(5 * MIB + 10)
        const grant = await uploads.grantUpload(owner, {
          name: "self-committed.bin",
          size: data.length,
          type: "application/octet-stream",
        })
        if (!grant.multipart) throw new Error("expected multipart")
        const parts = await uploads.signUploadParts(owner, grant.id, [1, 2])
        for (const part of parts) {
          const start = (part.partNumber - 1) * 5 * MIB
          expect(await statusOf(part.url, { method: "PUT", body: data.slice(start, start + part.size) })).toBe(201)
        }
        const ids = parts.map((part) => decodeURIComponent(new URL(part.url).searchParams.get("blockid") ?? ""))
        const blockList = `<?xml version="1.0" encoding="utf-8"?><BlockList>${ids.map((id) => `<Latest>${id}</Latest>`).join("")}</BlockList>`
        const commit = withoutBlockQuery(parts[0]?.url ?? "").replace("?", "?comp=blocklist&")
        expect(await statusOf(commit, { method: "PUT", body: blockList })).toBe(201)
        await expectRejected(grant.id)
      })

      it("a part of another size than planned (the length is not signed)", async () => {
        const data = randomBody(5 * MIB + 10)
        const grant = await uploads.grantUpload(owner, {
          name: "resized-part.bin",
          size: data.length,
          type: "application/octet-stream",
        })
        if (!grant.multipart) throw new Error("expected multipart")
        const [first, second] = await uploads.signUploadParts(owner, grant.id, [1, 2])
        expect(await statusOf(first?.url ?? "", { method: "PUT", body: data.slice(0, 5 * MIB) })).toBe(201)
        expect(await statusOf(second?.url ?? "", { method: "PUT", body: randomBody(11) })).toBe(201)
        await expectRejected(grant.id)
      })

      it("a re-commit or an overwrite after completion: recipients still get the snapshot's bytes", async () => {
        const data = randomBody(5 * MIB + 10)
        const grant = await uploads.grantUpload(owner, {
          name: "pinned.bin",
          size: data.length,
          type: "application/octet-stream",
        })
        if (!grant.multipart) throw new Error("expected multipart")
        const parts = await uploads.signUploadParts(owner, grant.id, [1, 2])
        for (const part of parts) {
          const start = (part.partNumber - 1) * 5 * MIB
          expect(await statusOf(part.url, { method: "PUT", body: data.slice(start, start + part.size) })).toBe(201)
        }
        const { file } = await uploads.completeUpload(owner, grant.id, {})
        const key = objectKeyOf(grant.id)

        // The part keys (`w`) still live: restage block 1 with other bytes and commit it alone…
        const partUrl = parts[0]?.url ?? ""
        expect(await statusOf(partUrl, { method: "PUT", body: randomBody(100) })).toBe(201)
        const id = decodeURIComponent(new URL(partUrl).searchParams.get("blockid") ?? "")
        const commit = withoutBlockQuery(partUrl).replace("?", "?comp=blocklist&")
        const recommit = `<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>${id}</Latest></BlockList>`
        expect(
          await statusOf(commit, { method: "PUT", body: recommit, headers: { "x-ms-blob-content-type": "text/html" } }),
        ).toBe(201)
        expect((await storage.headObject(key))?.size).toBe(100)
        // …then overwrite the blob whole with a Put Blob through the same key.
        expect(
          await statusOf(withoutBlockQuery(partUrl), { method: "PUT", headers: PUT_BLOB, body: randomBody(7) }),
        ).toBe(201)
        expect((await storage.headObject(key))?.size).toBe(7)

        const download = await files.presignFileDownload(owner, file.id)
        expect(new URL(download.url).searchParams.get("snapshot")).toBeTruthy()
        const fetched = await send(download.url)
        expect(fetched.status).toBe(200)
        expect(fetched.sha256).toBe(sha256Hex(data))
        expect(fetched.headers.get("content-type")).toBe("application/octet-stream")
        // A write key cannot touch the snapshot itself.
        expect(
          await statusOf(
            `${withoutBlockQuery(partUrl)}&snapshot=${encodeURIComponent(new URL(download.url).searchParams.get("snapshot") ?? "")}`,
            { method: "DELETE" },
          ),
        ).toBe(403)
        expect((await send(download.url)).sha256).toBe(sha256Hex(data))
      })

      it("an HTML upload is downloaded as an attachment typed application/octet-stream", async () => {
        const page = new TextEncoder().encode("<script>alert(document.domain)</script>")
        const grant = await uploads.grantUpload(owner, { name: "page.html", size: page.length, type: "text/html" })
        if (grant.multipart) throw new Error("expected a single PUT")
        expect(await statusOf(grant.url, { method: "PUT", headers: grant.headers, body: page })).toBe(201)
        const { file } = await uploads.completeUpload(owner, grant.id, {})
        const fetched = await send((await files.presignFileDownload(owner, file.id)).url)
        expect(fetched.status).toBe(200)
        expect(fetched.text).toBe("<script>alert(document.domain)</script>")
        expect(fetched.headers.get("content-disposition")).toMatch(/^attachment;/)
        expect(fetched.headers.get("content-type")).toBe("application/octet-stream")
      })

      it("an aborted multipart upload leaves nothing, and a part staged afterwards goes with the reaper's next pass", async () => {
        const grant = await uploads.grantUpload(owner, {
          name: "aborted.bin",
          size: 5 * MIB + 1,
          type: "application/octet-stream",
        })
        if (!grant.multipart) throw new Error("expected multipart")
        const [part] = await uploads.signUploadParts(owner, grant.id, [2])
        expect(await statusOf(part?.url ?? "", { method: "PUT", body: randomBody(1) })).toBe(201)
        await uploads.abortUpload(owner, grant.id)
        const key = objectKeyOf(grant.id)
        expect(await storage.listParts({ key, uploadId: "" })).toEqual([])
        expect(await storage.headObject(key)).toBeNull()
        // The part key outlives the abort by up to its TTL: a block staged now is storage's to drop
        // (Azure: uncommitted blocks go after 7 days) or the abort's to repeat.
        expect(await statusOf(part?.url ?? "", { method: "PUT", body: randomBody(1) })).toBe(201)
        expect(await storage.abortMultipartUpload({ key, uploadId: "" })).toBe(true)
        expect(await storage.listParts({ key, uploadId: "" })).toEqual([])
      })
    })
  },
)
