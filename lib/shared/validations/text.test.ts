import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { isDisplaySafe, isResourceId } from "@/lib/shared/validations/text"
import { createApiTokenSchema } from "@/lib/shared/validations/auth"
import { createUploadRequestSchema } from "@/lib/shared/validations/upload-requests"
import { uploadRequestSchema } from "@/lib/shared/validations/uploads"

const grant = (name: string) => uploadRequestSchema.safeParse({ name, size: 1 })

describe("display names", () => {
  it("refuses controls, bidi overrides and isolates, and unpaired surrogates, anywhere in a name", () => {
    for (const name of [
      "a\u0000b",
      "a\u0007b",
      "a\nb",
      "a\u007fb",
      "a\u0085b",
      "invoice\u202efdp.exe",
      "a\u2066b\u2069",
      "a\u2028b",
      "a\ud800b",
    ]) {
      expect(grant(name).success, JSON.stringify(name)).toBe(false)
    }
    expect(grant("a\u202eb").error?.issues[0]?.message).toBe(
      "The name must not contain control characters or bidirectional overrides",
    )
  })

  it("keeps path-like, right-to-left, accented and emoji names exactly as typed", () => {
    for (const name of [
      "../../etc/passwd",
      "..\\boot.ini",
      "עברית.txt",
      "مرحبا\u200f.pdf",
      "résumé 📄.pdf",
      "👩‍👩‍👧.png",
    ]) {
      expect(grant(name).data?.name, name).toBe(name)
    }
  })

  it("accepts every name made of allowed characters, and refuses every one with a forbidden character", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", minLength: 1, maxLength: 100 }), (text) => {
        const name = `x${text}x`
        expect(grant(name).success).toBe(isDisplaySafe(name))
        const tokenName = name.slice(0, 100)
        // Whitespace at the ends is trimmed away before the check, as it should be.
        expect(createApiTokenSchema.safeParse({ name: tokenName }).success).toBe(isDisplaySafe(tokenName.trim()))
      }),
      { numRuns: 100 },
    )
  }, 30_000)

  it("allows line breaks and tabs in an upload request's message, not in its title", () => {
    expect(createUploadRequestSchema.safeParse({ title: "Slides", message: "Hi,\r\n\tthanks!" }).success).toBe(true)
    expect(createUploadRequestSchema.safeParse({ title: "Sli\ndes" }).success).toBe(false)
    expect(createUploadRequestSchema.safeParse({ title: "Slides", message: "Hi \u202e there" }).success).toBe(false)
  })
})

describe("resource ids", () => {
  it("accepts the ids Valet mints and nothing that could reach the database as something else", () => {
    expect(isResourceId("cmwtoq95c0001c87d7fypud11")).toBe(true)
    expect(isResourceId("2a18ee89-4428-44a5-809a-cfa60b848da0")).toBe(true)
    for (const id of ["", "a\u0000", "../x", "a b", "x".repeat(65), "é"])
      expect(isResourceId(id), JSON.stringify(id)).toBe(false)
  })
})
