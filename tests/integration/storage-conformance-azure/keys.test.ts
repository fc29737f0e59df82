import { beforeAll, describe, expect, it } from "vitest"
import { isAzure } from "@/tests/support/storage-profile"
import {
  setUpAzureConformanceWorld,
  PROFILE,
  storage,
  randomBody,
  sha256Hex,
  newKey,
  send,
  statusOf,
  replaceQueryValue,
  withTamperedSignature,
  unsignedUrl,
  retargeted,
  PUT_BLOB,
  storeSealed,
} from "@/tests/support/storage-conformance-azure/world"

/**
 * What Azure enforces for a create or read key: the round trip through the snapshot, and 403 for a
 * misused key (tampered, another blob, another method, expired, unsigned, a second write).
 */
setUpAzureConformanceWorld()

describe.runIf(isAzure)(`Azure SAS conformance on ${PROFILE} storage: keys`, () => {
  it("round-trips a create key: the snapshot's read key returns the same bytes, the snapshot's HEAD the size and type", async () => {
    const key = newKey("round-trip.pdf")
    const body = randomBody(256 * 1024 + 7)
    const put = await storage.presignPut({ key, contentType: "application/pdf", size: body.length })
    expect(new URL(put.url).searchParams.get("sp")).toBe("c")
    expect(new URL(put.url).searchParams.has("st")).toBe(false)
    expect(await statusOf(put.url, { method: "PUT", headers: put.headers, body })).toBe(201)
    const version = await storage.sealObject(key)
    const get = await storage.presignGet({ key, filename: "round-trip.pdf", contentType: "application/pdf", version })
    expect(new URL(get.url).searchParams.get("sr")).toBe("bs")
    const downloaded = await send(get.url)
    expect(downloaded.status).toBe(200)
    expect(downloaded.sha256).toBe(sha256Hex(body))
    expect(await storage.headObject(key, { version })).toMatchObject({
      size: body.length,
      contentType: "application/pdf",
    })
  })

  describe("refuses a misused valet key with 403", () => {
    const existingBody = randomBody(4096)
    let existingKey = ""
    let existingVersion = ""

    beforeAll(async () => {
      existingKey = newKey("existing.bin")
      existingVersion = await storeSealed(existingKey, existingBody)
    })

    async function expectExistingUnchanged() {
      const get = await storage.presignGet({ key: existingKey, filename: "existing.bin" })
      const base = await send(get.url)
      expect([base.status, base.sha256]).toEqual([200, sha256Hex(existingBody)])
      const pinned = await send(
        (await storage.presignGet({ key: existingKey, filename: "existing.bin", version: existingVersion })).url,
      )
      expect([pinned.status, pinned.sha256]).toEqual([200, sha256Hex(existingBody)])
    }

    it("a tampered signature, for PUT and GET", async () => {
      const key = newKey("tampered.bin")
      const body = randomBody(1000)
      const put = await storage.presignPut({ key, contentType: "application/octet-stream", size: body.length })
      expect(await statusOf(withTamperedSignature(put.url), { method: "PUT", headers: put.headers, body })).toBe(403)
      expect(await storage.headObject(key)).toBeNull()
      const get = await storage.presignGet({ key: existingKey, filename: "existing.bin" })
      expect(await statusOf(withTamperedSignature(get.url))).toBe(403)
      // Widening the permissions or the expiry breaks the signature too.
      expect(
        await statusOf(
          replaceQueryValue(get.url, "sp", () => "rcw"),
          { method: "PUT", headers: PUT_BLOB, body },
        ),
      ).toBe(403)
      expect(
        await statusOf(
          replaceQueryValue(get.url, "se", (se) => se.replace(/^\d{4}/, (year) => String(Number(year) + 1))),
        ),
      ).toBe(403)
      // The untampered URLs work: the 403s above came from the signature alone.
      expect(await statusOf(put.url, { method: "PUT", headers: put.headers, body })).toBe(201)
      expect(await statusOf(get.url)).toBe(200)
    })

    it("a key for blob A used on blob B, to write over B or to read B", async () => {
      const keyA = newKey("key-a.bin")
      const body = randomBody(existingBody.length)
      const putA = await storage.presignPut({ key: keyA, contentType: "application/octet-stream", size: body.length })
      expect(
        await statusOf(retargeted(putA.url, keyA, existingKey), { method: "PUT", headers: putA.headers, body }),
      ).toBe(403)
      expect(await storage.headObject(keyA)).toBeNull()
      const getA = await storage.presignGet({ key: keyA, filename: "key-a.bin" })
      expect(await statusOf(retargeted(getA.url, keyA, existingKey))).toBe(403)
      await expectExistingUnchanged()
    })

    it("another method: a create key used to GET or HEAD, a read key used to PUT or DELETE", async () => {
      const put = await storage.presignPut({
        key: newKey("method.bin"),
        contentType: "application/octet-stream",
        size: 10,
      })
      expect(await statusOf(put.url)).toBe(403)
      expect(await statusOf(put.url, { method: "HEAD" })).toBe(403)
      const get = await storage.presignGet({ key: existingKey, filename: "existing.bin" })
      const body = randomBody(existingBody.length)
      expect(await statusOf(get.url, { method: "PUT", headers: PUT_BLOB, body })).toBe(403)
      expect(await statusOf(get.url, { method: "DELETE" })).toBe(403)
      await expectExistingUnchanged()
    })

    it("an expired key, for PUT and GET", async () => {
      const key = newKey("expired.bin")
      const body = randomBody(100)
      const put = await storage.presignPut({
        key,
        contentType: "application/octet-stream",
        size: body.length,
        expiresIn: 1,
      })
      const get = await storage.presignGet({ key: existingKey, filename: "existing.bin", expiresIn: 1 })
      // `se` has one-second resolution: 2.1 s is past a 1 s expiry however the clock ticks.
      await new Promise((resolve) => setTimeout(resolve, 2100))
      expect(await statusOf(put.url, { method: "PUT", headers: put.headers, body })).toBe(403)
      expect(await storage.headObject(key)).toBeNull()
      expect(await statusOf(get.url)).toBe(403)
    })

    it("an unsigned request: plain GET, PUT and DELETE on the blob's path", async () => {
      // Azurite answers 403; Azure may answer 404 for a private container's blob: never 2xx.
      const get = await storage.presignGet({ key: existingKey, filename: "existing.bin" })
      expect(await statusOf(unsignedUrl(get.url))).toBe(403)
      const key = newKey("unsigned.bin")
      expect(
        await statusOf(unsignedUrl(get.url).replace(existingKey, key), {
          method: "PUT",
          headers: PUT_BLOB,
          body: randomBody(10),
        }),
      ).toBe(403)
      expect(await storage.headObject(key)).toBeNull()
      expect(await statusOf(unsignedUrl(get.url), { method: "DELETE" })).toBe(403)
      await expectExistingUnchanged()
    })

    it("a second write through a create key: Put Blob again, Set Blob Properties, a Copy Blob over it", async () => {
      const put = await storage.presignPut({
        key: existingKey,
        contentType: "application/octet-stream",
        size: existingBody.length,
      })
      expect(
        await statusOf(put.url, { method: "PUT", headers: put.headers, body: randomBody(existingBody.length) }),
      ).toBe(403)
      const properties = `${put.url}&comp=properties`
      expect(await statusOf(properties, { method: "PUT", headers: { "x-ms-blob-content-type": "text/html" } })).toBe(
        403,
      )
      await expectExistingUnchanged()
    })
  })
})
