import { describe, expect, it } from "vitest"
import { hashToken, isTokenShaped, mintToken } from "@/lib/tokens"

describe("hashToken", () => {
  it("is the hex SHA-256 of the token, so the stored value reveals nothing usable", () => {
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  })
})

describe("mintToken and isTokenShaped", () => {
  it("mints 43 URL-safe characters (32 bytes) behind an optional prefix, never the same twice", () => {
    const plain = mintToken()
    expect(plain).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(mintToken()).not.toBe(plain)
    expect(mintToken("vlt_")).toMatch(/^vlt_[A-Za-z0-9_-]{43}$/)
  })

  it("recognises only what it mints, with the right prefix", () => {
    expect(isTokenShaped(mintToken())).toBe(true)
    expect(isTokenShaped(mintToken("vlt_"), "vlt_")).toBe(true)
    expect(isTokenShaped(mintToken("vlt_"))).toBe(false)
    expect(isTokenShaped(mintToken(), "vlt_")).toBe(false)
    expect(isTokenShaped("A".repeat(42))).toBe(false)
    expect(isTokenShaped(`${"A".repeat(42)}=`)).toBe(false)
  })
})
