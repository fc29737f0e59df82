import { describe, expect, it } from "vitest"
import { safeZipEntryName, zipEntryNames } from "@/lib/shared/zip-names"

describe("zip entry names", () => {
  it.each([
    ["report.pdf", "report.pdf"],
    ["../../etc/passwd", "_.._etc_passwd"],
    ["/etc/passwd", "_etc_passwd"],
    ["C:\\Windows\\x.dll", "C__Windows_x.dll"],
    ["..", "file"],
    ["a\u0000b\u001b[31m.txt", "ab[31m.txt"],
    ["invoice\u202efdp.exe", "invoicefdp.exe"],
    ["  .hidden ", "hidden"],
    ["日本語.txt", "日本語.txt"],
  ])("%j → %j", (name, expected) => {
    expect(safeZipEntryName(name)).toBe(expected)
  })

  it("never yields a path, a parent reference or a control character", () => {
    for (const name of ["../a", "a/../../b", "\\\\server\\share", "a\nb", "./.", "....//x"]) {
      const safe = safeZipEntryName(name)
      expect(safe).not.toMatch(/[/\\]|^\.|[\u0000-\u001f]/)
    }
  })

  it("keeps names unique, case-insensitively, before the extension", () => {
    expect(zipEntryNames(["a.txt", "A.txt", "a.txt", "b", "b"])).toEqual([
      "a.txt",
      "A (2).txt",
      "a (3).txt",
      "b",
      "b (2)",
    ])
  })
})
