import { describe, expect, it } from "vitest"
import { fileKind } from "@/components/ui/file-type-icon"

describe("fileKind", () => {
  it.each([
    ["image/png", "image"],
    ["video/mp4", "video"],
    ["audio/mpeg", "audio"],
    ["application/zip", "archive"],
    ["application/x-7z-compressed", "archive"],
    ["application/pdf", "document"],
    ["text/plain; charset=utf-8", "document"],
    ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document"],
    ["application/octet-stream", "other"],
    ["", "other"],
  ])("%s is %s", (type, kind) => {
    expect(fileKind(type)).toBe(kind)
  })
})
