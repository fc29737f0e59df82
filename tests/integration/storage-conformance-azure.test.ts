/**
 * What Azure Blob Storage (here Azurite) enforces for the SAS tokens lib/storage/azure.ts mints,
 * and what completion must catch because a SAS cannot sign it (../shared/AZURE-SAS.md): the Azure
 * counterpart of storage-conformance.test.ts, which runs on the S3 profiles. Every URL comes from
 * the app's own functions and is used with a real `fetch`; a 403 here is storage refusing.
 *
 * Azurite differs from Azure where nothing here relies on it: it ignores `sip` (IP ranges), does
 * not limit stored access policies to 5, and lets a policy's fields override the SAS's. Valet uses
 * neither IP ranges nor stored policies, so no test below depends on those.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { APP_ORIGIN, useFreshDatabase } from "@/tests/support/app"
import { isAzure, STORED } from "@/tests/support/storage-profile"

const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const FOREIGN_ORIGIN = "http://evil.example"
const MIB = 1024 * 1024

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let storage: typeof import("@/lib/storage")
let uploads: typeof import("@/lib/uploads")
let files: typeof import("@/lib/files")
let owner: import("@/lib/auth").AuthUser
const prefix = `conformance/${randomUUID()}`
const writtenKeys = new Set<string>()

const randomBody = (size: number) => new Uint8Array(randomBytes(size))
const sha256Hex = (data: Uint8Array) => createHash("sha256").update(data).digest("hex")

function newKey(name: string): string {
  const key = `${prefix}/${randomUUID()}/${name}`
  writtenKeys.add(key)
  return key
}

async function send(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; sha256: string; headers: Headers; text: string }> {
  const response = await fetch(url, init)
  const bytes = new Uint8Array(await response.arrayBuffer())
  return {
    status: response.status,
    sha256: sha256Hex(bytes),
    headers: response.headers,
    text: new TextDecoder().decode(bytes),
  }
}
const statusOf = async (url: string, init?: RequestInit) => (await send(url, init)).status

/** Edits one query value in the raw URL, leaving every other parameter's encoding alone. */
function replaceQueryValue(url: string, name: string, replace: (value: string) => string): string {
  const pattern = new RegExp(`([?&]${name}=)([^&]*)`)
  const match = pattern.exec(url)
  if (!match?.[2]) throw new Error(`${name} not in the URL`)
  const value = match[2]
  return url.replace(pattern, (_, head: string) => `${head}${replace(value)}`)
}

/** Flips one bit of the HMAC in `sig`. */
const withTamperedSignature = (url: string) =>
  replaceQueryValue(url, "sig", (value) => {
    const signature = Buffer.from(decodeURIComponent(value), "base64")
    signature[0] = (signature[0] ?? 0) ^ 1
    return encodeURIComponent(signature.toString("base64"))
  })

const unsignedUrl = (url: string) => `${new URL(url).origin}${new URL(url).pathname}`
const retargeted = (url: string, fromKey: string, toKey: string) => url.replace(`/${fromKey}?`, `/${toKey}?`)
/** A part URL turned into another Put Block List / Put Blob request under the same SAS. */
const withoutBlockQuery = (partUrl: string) => partUrl.replace(/comp=block&blockid=[^&]*&/, "")

const PUT_BLOB = { "x-ms-blob-type": "BlockBlob" }

/** Stores bytes through the app's own create key and seals them as completion would. */
async function storeSealed(key: string, body: Uint8Array<ArrayBuffer>, contentType = "application/octet-stream") {
  const put = await storage.presignPut({ key, contentType, size: body.length })
  expect(await statusOf(put.url, { method: "PUT", headers: put.headers, body })).toBe(STORED)
  const version = await storage.sealObject(key)
  if (!version) throw new Error(`${key}: no snapshot right after a successful PUT`)
  return version
}

/** A completion through lib/uploads, as the route runs it: the status it answers (201, 409, 422). */
async function completionStatus(uploadId: string): Promise<number> {
  try {
    await uploads.completeUpload(owner, uploadId, {})
    return 201
  } catch (error) {
    if (error instanceof Error && "status" in error && typeof error.status === "number") return error.status
    throw error
  }
}

const objectKeyOf = (uploadId: string) => uploads.objectKeyFor(owner.id, uploadId)

beforeAll(async () => {
  if (!isAzure) return
  database = await useFreshDatabase({
    MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
    MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
  })
  storage = await import("@/lib/storage")
  uploads = await import("@/lib/uploads")
  files = await import("@/lib/files")
  const { registerUser } = await import("@/lib/accounts")
  owner = {
    ...(await registerUser({ email: "azure-conformance@example.com", password: "perfectly-fine-1" })),
    via: "session",
  }
})

afterAll(async () => {
  if (!isAzure) return
  await Promise.all([...writtenKeys].map((key) => storage.deleteObject(key)))
  await database.cleanUp()
})

describe.runIf(isAzure)(`Azure SAS conformance on ${PROFILE} storage`, () => {
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

  describe("CORS for the app origin only", () => {
    let getUrl = ""
    beforeAll(async () => {
      const key = newKey("cors.bin")
      const version = await storeSealed(key, randomBody(64))
      getUrl = (await storage.presignGet({ key, filename: "cors.bin", version })).url
    })
    const preflight = (origin: string, headers = "x-ms-blob-type,x-ms-blob-content-type,content-type") =>
      send(unsignedUrl(getUrl), {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": headers },
      })

    it("a preflight for a Put Blob from the app origin passes; a foreign origin or an unlisted header does not", async () => {
      const allowed = await preflight(APP_ORIGIN)
      expect(allowed.status).toBe(200)
      expect(allowed.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN)
      expect((await preflight(FOREIGN_ORIGIN)).status).toBe(403)
      expect((await preflight(APP_ORIGIN, "x-ms-blob-type,x-evil")).status).toBe(403)
    })

    it("a signed GET from the app origin is readable and exposes ETag; a foreign origin gets no grant", async () => {
      const response = await send(getUrl, { headers: { Origin: APP_ORIGIN } })
      expect(response.status).toBe(200)
      expect(response.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN)
      expect((response.headers.get("access-control-expose-headers") ?? "").toLowerCase()).toContain("etag")
      const foreign = await send(getUrl, { headers: { Origin: FOREIGN_ORIGIN } })
      expect([FOREIGN_ORIGIN, "*"]).not.toContain(foreign.headers.get("access-control-allow-origin"))
    })
  })

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
})
