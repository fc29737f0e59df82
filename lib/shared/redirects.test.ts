import { describe, expect, it } from "vitest"
import { postSignInPath, safeRedirectPath } from "@/lib/shared/redirects"

describe("safeRedirectPath", () => {
  it.each([
    ["/settings/tokens", "/settings/tokens"],
    ["/files?page=2#top", "/files?page=2#top"],
    ["/a/../b", "/b"],
  ])("keeps the path %s", (input, expected) => {
    expect(safeRedirectPath(input)).toBe(expected)
  })

  it.each([
    ["https://evil.example/", "an absolute URL"],
    ["//evil.example/path", "a protocol-relative URL"],
    ["/\\evil.example", "a backslash trick browsers treat as //"],
    ["javascript:alert(1)", "a script URL"],
    ["settings", "a relative path"],
    ["", "an empty value"],
    [null, "no value"],
  ])("falls back for %s (%s)", (input, reason) => {
    expect(safeRedirectPath(input), reason).toBe("/")
    expect(safeRedirectPath(input, "/home")).toBe("/home")
  })
})

const APP_ORIGIN = "https://valet.example.com"

describe("postSignInPath", () => {
  it.each([
    ["/settings/tokens", "/settings/tokens"],
    ["/settings/tokens?tab=1#new", "/settings/tokens?tab=1#new"],
    [undefined, "/"],
    ["", "/"],
  ])("keeps a path on this site: %s", (value, expected) => {
    expect(postSignInPath(value, APP_ORIGIN)).toBe(expected)
  })

  it.each([
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "https://valet.example.com.evil.example/x",
  ])("refuses to leave the site: %s", (value) => {
    expect(postSignInPath(value, APP_ORIGIN)).toBe("/")
  })

  it("reduces an absolute URL on the app's own origin to its path", () => {
    expect(postSignInPath("https://valet.example.com/settings/tokens?x=1", APP_ORIGIN)).toBe("/settings/tokens?x=1")
    expect(postSignInPath("https://valet.example.com/settings/tokens")).toBe("/")
  })

  it.each(["/sign-in", "/sign-up?callbackUrl=%2F", "/sign-out", "/sign-in/", "https://valet.example.com/sign-in"])(
    "never sends a signed-in person back to an auth page: %s",
    (value) => {
      expect(postSignInPath(value, APP_ORIGIN)).toBe("/")
    },
  )

  it("leaves pages that merely start with an auth page's name alone", () => {
    expect(postSignInPath("/sign-installer", APP_ORIGIN)).toBe("/sign-installer")
  })
})
