import { randomUUID } from "node:crypto"
import { describe, expect, it } from "vitest"
import {
  attachmentDisposition,
  checkStorage,
  listObjects,
  presignGet,
  readObject,
  type ListedObject,
} from "@/lib/storage"
import { isAzure } from "@/tests/support/storage-profile"
import {
  setUpConformanceWorld,
  PROFILE,
  prefix,
  writtenKeys,
  newKey,
  randomBody,
  sha256Hex,
  fetchDigest,
  storeObject,
} from "@/tests/support/storage-conformance/world"

/**
 * Downloads served as attachments under the display name, and the bucket-level calls the app makes.
 */
setUpConformanceWorld()

describe.skipIf(isAzure)(
  `storage conformance on ${PROFILE} storage: downloads and the bucket (Azure: see storage-conformance-azure/)`,
  () => {
    describe("serves downloads as attachments under the display name", () => {
      it.each([
        ["a name with accents, spaces and RFC 3986 reserved characters", "résumé (1) final!.pdf"],
        ["a hostile name", '"><script>.html'],
      ])("%s: %s", async (_, filename) => {
        const key = newKey("download.bin")
        const body = randomBody(300)
        await storeObject(key, body)
        const get = await presignGet({ key, filename, contentType: "application/octet-stream" })
        const downloaded = await fetchDigest(get.url)
        expect(downloaded.status).toBe(200)
        expect(downloaded.sha256).toBe(sha256Hex(body))
        expect(downloaded.headers.get("content-disposition")).toBe(attachmentDisposition(filename))
      })

      // DESIGN §3.13: storage serves what the key pins, whatever type the object was stored with.
      it.each([
        ["text/html", "application/octet-stream"],
        ["image/svg+xml", "application/octet-stream"],
        ["application/javascript", "application/octet-stream"],
        ["image/png", "image/png"],
        ["application/pdf", "application/pdf"],
      ])("an object stored as %s is served as %s", async (stored, served) => {
        const key = newKey("typed-download")
        await storeObject(key, randomBody(64), stored)
        const get = await presignGet({ key, filename: "x", contentType: stored })
        const downloaded = await fetchDigest(get.url)
        expect(downloaded.status).toBe(200)
        expect(downloaded.headers.get("content-type")).toBe(served)
      })
    })

    describe("bucket-level S3 calls", () => {
      it("HeadBucket (checkStorage) succeeds", async () => {
        await expect(checkStorage()).resolves.toBeUndefined()
      })

      it("ListObjectsV2 (listObjects) pages through 3 objects a page of 1 at a time, and readObject streams them back", async () => {
        const listPrefix = `${prefix}/list-${randomUUID()}/`
        const keys = ["a.txt", "b.txt", "c.txt"].map((name) => `${listPrefix}${name}`)
        for (const key of keys) writtenKeys.add(key)
        const bodies = keys.map(() => randomBody(10))
        await Promise.all(keys.map((key, index) => storeObject(key, bodies[index] ?? randomBody(1))))

        const pages: ListedObject[][] = []
        for await (const page of listObjects(listPrefix, { pageSize: 1 })) {
          pages.push(page)
          if (pages.length > 10) break
        }
        expect(pages.map((page) => page.map((object) => object.key))).toEqual(keys.map((key) => [key]))
        expect(pages.flat().map((object) => object.size)).toEqual([10, 10, 10])

        const firstKey = keys[0] ?? ""
        const stream = await readObject(firstKey)
        expect(stream).not.toBeNull()
        const bytes = new Uint8Array(await new Response(stream).arrayBuffer())
        expect(sha256Hex(bytes)).toBe(sha256Hex(bodies[0] ?? randomBody(1)))
        await expect(readObject(`${listPrefix}missing.txt`)).resolves.toBeNull()
      })
    })
  },
)
