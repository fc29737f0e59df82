import { describe, expect, it } from "vitest"
import { fileKindOf } from "@/lib/shared/file-kind"

describe("fileKindOf", () => {
  it("names a kind from the media type", () => {
    expect(fileKindOf("application/pdf")).toBe("pdf")
    expect(fileKindOf("image/png; charset=binary")).toBe("image")
    expect(fileKindOf("application/zip")).toBe("archive")
    expect(fileKindOf("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).toBe("spreadsheet")
    expect(fileKindOf("text/plain")).toBe("text")
  })
  it("falls back to the extension when the type says nothing", () => {
    expect(fileKindOf("application/octet-stream", "backup.tar.gz")).toBe("archive")
    expect(fileKindOf("", "Notes.DOCX")).toBe("document")
    expect(fileKindOf("application/octet-stream", "no-extension")).toBe("other")
  })
})

describe("formatBytesIn", () => {
  it("uses binary units and the locale's decimal sign", async () => {
    const { formatBytesIn } = await import("@/lib/shared/format")
    expect(formatBytesIn("en", 100_352)).toBe("98 KiB")
    expect(formatBytesIn("de", 1_572_864)).toBe("1,5 MiB")
    expect(formatBytesIn("en", 512)).toBe("512 bytes")
    expect(formatBytesIn("en", 40 * 1024 ** 2)).toBe("40 MiB")
    // Isolated left to right, so Arabic text around it cannot flip it into "MiB 1.5".
    expect(formatBytesIn("ar", 1_572_864)).toBe("\u20661.5 MiB\u2069")
  })
})
