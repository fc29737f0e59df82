import { describe, expect, it } from "vitest"
import { previewContentType, previewKindOf } from "@/lib/shared/previews"

describe("previews", () => {
  it.each([
    ["image/png", "image/png"],
    ["IMAGE/JPEG; foo=bar", "image/jpeg"],
    ["video/mp4", "video/mp4"],
    ["application/pdf", "application/pdf"],
    ["text/plain; charset=latin1", "text/plain; charset=utf-8"],
    ["text/csv", "text/plain; charset=utf-8"],
  ])("%s is shown inline as %s", (type, pinned) => {
    expect(previewContentType(type)).toBe(pinned)
  })

  it.each([
    "text/html",
    "image/svg+xml",
    "application/xml",
    "text/xml",
    "application/xhtml+xml",
    "application/javascript",
    "application/octet-stream",
    "",
  ])("%j is never shown inline", (type) => {
    expect(previewKindOf(type)).toBeNull()
    expect(previewContentType(type)).toBeNull()
  })
})
