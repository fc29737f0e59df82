import { describe, expect, it } from "vitest"
import {
  formatBytes,
  GIB,
  MIB,
  partLayout,
  partSizeOf,
  S3_MAX_OBJECT_SIZE,
  S3_MAX_PARTS,
} from "@/lib/shared/upload-layout"

describe("partLayout", () => {
  it("cuts a 64 MiB file into eight 8 MiB parts", () => {
    expect(partLayout(64 * MIB, 8 * MIB)).toEqual({ partSize: 8 * MIB, partCount: 8 })
  })

  it("leaves a short last part", () => {
    const layout = { size: 20 * MIB + 7, ...partLayout(20 * MIB + 7, 8 * MIB) }
    expect(layout.partCount).toBe(3)
    expect([1, 2, 3].map((partNumber) => partSizeOf(partNumber, layout))).toEqual([8 * MIB, 8 * MIB, 4 * MIB + 7])
  })

  it("grows parts in whole MiB so even 5 TiB fits in 10,000 parts", () => {
    const layout = partLayout(S3_MAX_OBJECT_SIZE, 8 * MIB)
    expect(layout.partCount).toBeLessThanOrEqual(S3_MAX_PARTS)
    expect(layout.partSize % MIB).toBe(0)
    expect(layout.partSize * layout.partCount).toBeGreaterThanOrEqual(S3_MAX_OBJECT_SIZE)
    // Past 2 GiB parts double (issue 20): 5 GiB in 32 MiB parts.
    expect(partLayout(5 * GIB, 8 * MIB)).toEqual({ partSize: 32 * MIB, partCount: 160 })
  })
})

describe("formatBytes", () => {
  it.each([
    [0, "0 bytes"],
    [1023, "1023 bytes"],
    [1536, "1.5 KiB"],
    [64 * MIB, "64 MiB"],
    [5 * GIB, "5 GiB"],
  ])("%d is %s", (value, text) => {
    expect(formatBytes(value)).toBe(text)
  })
})
