import { describe, expect, it } from "vitest"
import { parseExpiry } from "@/cli/src/cli"
import { configDir, normalizeServerUrl, uploadStateDir } from "@/cli/src/config"
import { parseShareUrl } from "@/cli/src/download"
import { EXIT, exitCodeFor } from "@/cli/src/errors"
import { contentTypeOf } from "@/cli/src/media-types"
import { ERROR_CODES } from "@/lib/shared/error-codes"

describe("valet CLI, pure parts", () => {
  it("reads link lifetimes as a person writes them", () => {
    expect(parseExpiry("90")).toBe(90)
    expect(parseExpiry("30m")).toBe(1800)
    expect(parseExpiry("12h")).toBe(43_200)
    expect(parseExpiry("7d")).toBe(604_800)
    expect(parseExpiry("2W")).toBe(1_209_600)
    expect(parseExpiry("never")).toBeNull()
    for (const bad of ["", "soon", "-1d", "1.5h", "7 days"]) expect(() => parseExpiry(bad)).toThrow(/--expires/)
  })

  it("finds the app and the token in a share link, also under a base path", () => {
    expect(parseShareUrl("https://files.example.com/s/AbC-_9")).toEqual({
      base: "https://files.example.com",
      token: "AbC-_9",
    })
    expect(parseShareUrl("http://host:8080/valet/s/tok/")).toEqual({ base: "http://host:8080/valet", token: "tok" })
    for (const bad of ["files.example.com/s/x", "https://x/files/1", "ftp://x/s/y", "https://x/s/"])
      expect(() => parseShareUrl(bad)).toThrow(/not a share link/)
  })

  it("keeps the server URL's path and drops its trailing slash; only http(s)", () => {
    expect(normalizeServerUrl("https://files.example.com/")).toBe("https://files.example.com")
    expect(normalizeServerUrl("http://localhost:3000/valet//")).toBe("http://localhost:3000/valet")
    expect(() => normalizeServerUrl("files.example.com")).toThrow(/not a URL/)
    expect(() => normalizeServerUrl("file:///etc/passwd")).toThrow(/http/)
  })

  it("keeps config and resume state in the XDG folders, falling back to the home folder", () => {
    expect(configDir({ XDG_CONFIG_HOME: "/x/config" })).toBe("/x/config/valet")
    expect(configDir({ XDG_CONFIG_HOME: "relative" })).toMatch(/\/\.config\/valet$/)
    expect(uploadStateDir({ XDG_STATE_HOME: "/x/state" })).toBe("/x/state/valet/uploads")
    expect(uploadStateDir({})).toMatch(/\/\.local\/state\/valet\/uploads$/)
  })

  it("maps every error code in the server's catalogue to a documented exit code", () => {
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      const exit = exitCodeFor(status, code)
      if (code === "password_required" || code === "wrong_password") expect(exit).toBe(EXIT.password)
      else if (status === 401) expect(exit, code).toBe(EXIT.auth)
      else if (status === 404) expect(exit, code).toBe(EXIT.notFound)
      else if (status === 410) expect(exit, code).toBe(EXIT.gone)
      else if (status === 429) expect(exit, code).toBe(EXIT.rateLimited)
      else if (status >= 500) expect(exit, code).toBe(EXIT.unavailable)
      else expect(exit, code).toBe(EXIT.refused)
    }
  })

  it("declares the media type from the extension, octet-stream when unknown", () => {
    expect(contentTypeOf("Report.PDF")).toBe("application/pdf")
    expect(contentTypeOf("a.tar.gz")).toBe("application/gzip")
    expect(contentTypeOf("noextension")).toBe("application/octet-stream")
    expect(contentTypeOf("weird.xyz")).toBe("application/octet-stream")
  })
})
