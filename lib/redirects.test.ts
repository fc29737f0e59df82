import { describe, expect, it } from "vitest"
import { safeRedirectPath } from "@/lib/redirects"

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
