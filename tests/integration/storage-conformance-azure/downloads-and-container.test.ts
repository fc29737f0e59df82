import { randomUUID } from "node:crypto"
import { describe, expect, it } from "vitest"
import { isAzure } from "@/tests/support/storage-profile"
import {
  setUpAzureConformanceWorld,
  PROFILE,
  storage,
  prefix,
  writtenKeys,
  randomBody,
  sha256Hex,
  newKey,
  send,
  statusOf,
  replaceQueryValue,
  storeSealed,
} from "@/tests/support/storage-conformance-azure/world"

/**
 * Downloads served as attachments of the snapshot with the type pinned, previews inline, and the
 * container-level calls the app makes.
 */
setUpAzureConformanceWorld()

describe.runIf(isAzure)(`Azure SAS conformance on ${PROFILE} storage: downloads and the container`, () => {
  describe("serves downloads as attachments of the snapshot, the type pinned", () => {
    it.each([
      [
        "a name with accents, spaces and RFC 3986 reserved characters",
        "résumé (1) final!.pdf",
        "application/pdf",
        "application/pdf",
      ],
      ["a hostile name, HTML served with a safe type", '"><script>.html', "text/html", "application/octet-stream"],
      ["SVG, active content", "drawing.svg", "image/svg+xml", "application/octet-stream"],
    ])("%s: %s", async (_, filename, recorded, served) => {
      const key = newKey("download.bin")
      const body = randomBody(300)
      const version = await storeSealed(key, body, recorded)
      const get = await storage.presignGet({ key, filename, contentType: recorded, version })
      const downloaded = await send(get.url)
      expect(downloaded.status).toBe(200)
      expect(downloaded.sha256).toBe(sha256Hex(body))
      expect(downloaded.headers.get("content-disposition")).toBe(storage.attachmentDisposition(filename))
      expect(downloaded.headers.get("content-type")).toBe(served)
      // `rscd` and `rsct` are signed: asking for inline or another type breaks the key.
      expect(await statusOf(replaceQueryValue(get.url, "rscd", () => "inline"))).toBe(403)
      expect(await statusOf(replaceQueryValue(get.url, "rsct", () => encodeURIComponent("text/html")))).toBe(403)
    })

    it("a preview key is inline with the type pinned, for the snapshot only", async () => {
      const key = newKey("preview.txt")
      const body = randomBody(64)
      const version = await storeSealed(key, body, "text/plain")
      const preview = await storage.presignPreview({
        key,
        filename: "notes.txt",
        contentType: "text/plain; charset=utf-8",
        version,
      })
      const fetched = await send(preview.url)
      expect(fetched.status).toBe(200)
      expect(fetched.headers.get("content-disposition")).toMatch(/^inline;/)
      expect(fetched.headers.get("content-type")).toBe("text/plain; charset=utf-8")
    })
  })

  describe("container-level calls", () => {
    it("checkStorage succeeds", async () => {
      await expect(storage.checkStorage()).resolves.toBeUndefined()
    })

    it("listObjects pages through 3 blobs a page of 1 at a time (no snapshots), and readObject streams them back", async () => {
      const listPrefix = `${prefix}/list-${randomUUID()}/`
      const keys = ["a.txt", "b.txt", "c.txt"].map((name) => `${listPrefix}${name}`)
      for (const key of keys) writtenKeys.add(key)
      const bodies = keys.map(() => randomBody(10))
      await Promise.all(keys.map((key, index) => storeSealed(key, bodies[index] ?? randomBody(1))))
      const pages: import("@/lib/storage").ListedObject[][] = []
      for await (const page of storage.listObjects(listPrefix, { pageSize: 1 })) {
        pages.push(page)
        if (pages.length > 10) break
      }
      expect(pages.map((page) => page.map((object) => object.key))).toEqual(keys.map((key) => [key]))
      expect(pages.flat().map((object) => object.size)).toEqual([10, 10, 10])
      const stream = await storage.readObject(keys[0] ?? "")
      expect(sha256Hex(new Uint8Array(await new Response(stream).arrayBuffer()))).toBe(
        sha256Hex(bodies[0] ?? randomBody(1)),
      )
      await expect(storage.readObject(`${listPrefix}missing.txt`)).resolves.toBeNull()
    })
  })
})
