import { describe, expect, it } from "vitest"
import { downloadContentType, isSafeContentType, OPAQUE_CONTENT_TYPE } from "@/lib/shared/download-types"

describe("downloadContentType", () => {
  it.each([
    ["image/png", "image/png"],
    ["IMAGE/JPEG", "image/jpeg"],
    ["application/pdf", "application/pdf"],
    ["video/mp4", "video/mp4"],
    ["audio/mpeg", "audio/mpeg"],
    ["text/plain", "text/plain"],
    ["text/plain; charset=UTF-8", "text/plain; charset=utf-8"],
    ['text/csv;charset="iso-8859-1"', "text/csv; charset=iso-8859-1"],
    ["application/zip", "application/zip"],
    [
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ],
    ["application/octet-stream", "application/octet-stream"],
  ])("keeps the safe type %s as %s", (recorded, served) => {
    expect(isSafeContentType(recorded)).toBe(true)
    expect(downloadContentType(recorded)).toBe(served)
  })

  it.each([
    "text/html",
    "text/html; charset=utf-8",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml-dtd",
    "application/xslt+xml",
    "application/xml",
    "application/rss+xml",
    "audio/x-playlist+xml",
    "text/javascript",
    "application/javascript",
    "application/x-javascript",
    "application/ecmascript",
    "text/ecmascript",
    "message/rfc822",
    "multipart/related",
    "application/x-mimearchive",
    "application/wasm",
    "application/x-shockwave-flash",
    "text/css",
    "text/vtt",
    "application/x-unknown-thing",
    "chemical/x-pdb",
    "",
    "not a type",
    "image/png\r\nx-evil: 1",
  ])("pins %j to application/octet-stream", (recorded) => {
    expect(isSafeContentType(recorded)).toBe(false)
    expect(downloadContentType(recorded)).toBe(OPAQUE_CONTENT_TYPE)
  })

  it("never passes parameters other than a plain text charset through", () => {
    expect(downloadContentType('image/png; name="x.html"')).toBe("image/png")
    expect(downloadContentType('text/plain; charset="a b"')).toBe("text/plain")
  })
})
