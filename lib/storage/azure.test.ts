import { beforeAll, describe, expect, it, vi } from "vitest"

// Minting a SAS is local computation: these tests need an account key, not a server.
vi.stubEnv("DATABASE_URL", "postgresql://unused@127.0.0.1:1/unused")
vi.stubEnv("AUTH_SECRET", "unit-test-secret-of-at-least-32-characters")
vi.stubEnv("STORAGE_BACKEND", "azure")
vi.stubEnv("AZURE_STORAGE_ACCOUNT", "valetunit")
vi.stubEnv("AZURE_STORAGE_KEY", Buffer.from("unit-test-account-key").toString("base64"))
vi.stubEnv("AZURE_STORAGE_CONTAINER", "valet-unit")

let storage: typeof import("@/lib/storage")
beforeAll(async () => {
  storage = await import("@/lib/storage")
})

const queryOf = (url: string) => new URL(url).searchParams

describe("the Azure adapter's keys", () => {
  it("a single upload: a create-only SAS for one blob, HTTPS only, no start time, the headers Put Blob needs", async () => {
    const put = await storage.presignPut({ key: "u/user/upload", contentType: "image/png", size: 10 })
    expect(new URL(put.url).origin + new URL(put.url).pathname).toBe(
      "https://valetunit.blob.core.windows.net/valet-unit/u/user/upload",
    )
    expect(Object.fromEntries(["sp", "sr", "spr"].map((name) => [name, queryOf(put.url).get(name)]))).toEqual({
      sp: "c",
      sr: "b",
      spr: "https",
    })
    expect(queryOf(put.url).has("st")).toBe(false)
    expect(put.headers).toEqual({
      "x-ms-blob-type": "BlockBlob",
      "x-ms-blob-content-type": "image/png",
      "content-type": "image/png",
    })
    expect(put.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(900_000)
  })

  it("a part: a write SAS with a fixed-length block id per part number", async () => {
    const ids = await Promise.all(
      [1, 2, 10_000].map(async (partNumber) => {
        const part = await storage.presignPart({ key: "u/user/big", uploadId: "blocks-x", partNumber, expiresIn: 60 })
        expect(queryOf(part.url).get("sp")).toBe("w")
        expect(queryOf(part.url).get("comp")).toBe("block")
        return queryOf(part.url).get("blockid") ?? ""
      }),
    )
    expect(new Set(ids.map((id) => id.length))).toEqual(new Set([8]))
    expect(ids.map((id) => Buffer.from(id, "base64").toString())).toEqual(["p00001", "p00002", "p10000"])
  })

  it("a download: the snapshot (sr=bs), an RFC 5987 attachment and the recorded type, active content as octet-stream", async () => {
    const snapshot = "2026-11-29T13:00:00.1234567Z"
    const get = await storage.presignGet({
      key: "u/user/f",
      filename: "résumé.html",
      contentType: "text/html",
      version: snapshot,
    })
    const query = queryOf(get.url)
    expect([query.get("sp"), query.get("sr"), query.get("snapshot")]).toEqual(["r", "bs", snapshot])
    expect(query.get("rscd")).toBe(storage.attachmentDisposition("résumé.html"))
    expect(query.get("rscd")).toContain("filename*=UTF-8''r%C3%A9sum%C3%A9.html")
    expect(query.get("rsct")).toBe("application/octet-stream")
    expect(get.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60_000)
    const pdf = await storage.presignGet({
      key: "u/user/f",
      filename: "a.pdf",
      contentType: "application/pdf",
      version: snapshot,
    })
    expect(queryOf(pdf.url).get("rsct")).toBe("application/pdf")
  })

  it("a preview: inline, the given type pinned", async () => {
    const preview = await storage.presignPreview({
      key: "u/user/f",
      filename: "notes.txt",
      contentType: "text/plain; charset=utf-8",
      version: "2026-11-29T13:00:00.1234567Z",
    })
    expect(queryOf(preview.url).get("rscd")).toMatch(/^inline;/)
    expect(queryOf(preview.url).get("rsct")).toBe("text/plain; charset=utf-8")
  })
})
