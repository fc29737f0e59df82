import { beforeAll, describe, expect, it, vi } from "vitest"

// Presigning is local computation: these tests need credentials, not a server.
vi.stubEnv("DATABASE_URL", "postgresql://unused@127.0.0.1:1/unused")
vi.stubEnv("AUTH_SECRET", "unit-test-secret-of-at-least-32-characters")
vi.stubEnv("S3_ENDPOINT", "http://127.0.0.1:4569")
vi.stubEnv("S3_ACCESS_KEY_ID", "TESTACCESSKEY")
vi.stubEnv("S3_SECRET_ACCESS_KEY", "test-secret")
vi.stubEnv("S3_BUCKET", "valet-unit")

let storage: typeof import("@/lib/storage")
beforeAll(async () => {
  storage = await import("@/lib/storage")
})

const signedHeadersOf = (url: string) => new URL(url).searchParams.get("X-Amz-SignedHeaders")?.split(";")

describe("capTtl", () => {
  it("keeps TTLs within 1 second and S3's 7-day limit", () => {
    expect(storage.capTtl(60)).toBe(60)
    expect(storage.capTtl(0)).toBe(1)
    expect(storage.capTtl(-5)).toBe(1)
    expect(storage.capTtl(30 * 24 * 3600)).toBe(604800)
    expect(storage.capTtl(Number.NaN)).toBe(1)
    expect(storage.capTtl(12.9)).toBe(12)
  })
})

describe("presignPut", () => {
  it("signs Content-Type and Content-Length into a URL for exactly one key", async () => {
    const put = await storage.presignPut({ key: "u/user1/upload1", contentType: "image/png", size: 1234 })
    const url = new URL(put.url)
    expect(url.origin).toBe("http://127.0.0.1:4569")
    expect(url.pathname).toBe("/valet-unit/u/user1/upload1")
    expect(signedHeadersOf(put.url)).toEqual(["content-length", "content-type", "host", "if-none-match"])
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900")
    // Create-only: the URL can never replace the object completion verified.
    expect(put.headers).toEqual({ "content-type": "image/png", "if-none-match": "*" })
    expect(put.expiresAt.getTime()).toBeGreaterThan(Date.now() + 890_000)
  })

  it("never carries a checksum of an empty body (AWS, R2 and MinIO would enforce it)", async () => {
    const put = await storage.presignPut({ key: "k", contentType: "text/plain", size: 5 })
    expect(put.url.toLowerCase()).not.toContain("checksum")
  })

  it("signs a client-supplied SHA-256 as a header the browser must send", async () => {
    const sha256 = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg="
    const put = await storage.presignPut({ key: "k", contentType: "text/plain", size: 5, sha256 })
    expect(signedHeadersOf(put.url)).toContain("x-amz-checksum-sha256")
    expect(new URL(put.url).searchParams.has("x-amz-checksum-sha256")).toBe(false)
    expect(put.headers["x-amz-checksum-sha256"]).toBe(sha256)
  })

  it("caps an explicit TTL", async () => {
    const put = await storage.presignPut({ key: "k", contentType: "text/plain", size: 5, expiresIn: 10 ** 9 })
    expect(new URL(put.url).searchParams.get("X-Amz-Expires")).toBe("604800")
  })
})

describe("presignPart and presignGet", () => {
  it("scopes a part URL to one upload id and part number", async () => {
    const part = await storage.presignPart({ key: "u/a/b", uploadId: "upload-xyz", partNumber: 7 })
    const url = new URL(part.url)
    expect(url.searchParams.get("uploadId")).toBe("upload-xyz")
    expect(url.searchParams.get("partNumber")).toBe("7")
    expect(url.searchParams.get("X-Amz-Expires")).toBe("900")
  })

  it("makes downloads attachments with the display name, for 60 seconds", async () => {
    const get = await storage.presignGet({
      key: "u/a/b",
      filename: "résumé (1) final!.pdf",
      contentType: "application/pdf",
    })
    const url = new URL(get.url)
    expect(url.searchParams.get("X-Amz-Expires")).toBe("60")
    expect(url.searchParams.get("response-content-disposition")).toBe(
      "attachment; filename=\"resume (1) final!.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%281%29%20final!.pdf",
    )
    expect(url.searchParams.get("response-content-type")).toBe("application/pdf")
  })

  it("pins active content to application/octet-stream", async () => {
    const get = await storage.presignGet({ key: "u/a/b", filename: "page.html", contentType: "text/html" })
    expect(new URL(get.url).searchParams.get("response-content-type")).toBe("application/octet-stream")
  })
})

describe("attachmentDisposition", () => {
  it.each([
    ['"><script>.html', 'attachment; filename="\\"><script>.html"'],
    ["plain.txt", 'attachment; filename="plain.txt"'],
    ["line\nbreak.txt", "attachment; filename=\"line_break.txt\"; filename*=UTF-8''line%0Abreak.txt"],
    // Not cut down to what follows the last separator ("script>.html"), as a path would be.
    ['"><script>x</script>.html', 'attachment; filename="\\"><script>x<_script>.html"'],
    ["..\\..\\boot.ini", 'attachment; filename=".._.._boot.ini"'],
  ])("quotes %s safely", (name, expected) => {
    expect(storage.attachmentDisposition(name)).toBe(expected)
  })

  it("keeps a UTF-8 name in filename* and an ASCII-only fallback", () => {
    expect(storage.attachmentDisposition("日本.txt")).toBe(
      "attachment; filename=\"__.txt\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt",
    )
  })
})
