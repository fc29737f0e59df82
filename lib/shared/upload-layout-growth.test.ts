import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  GIB,
  GROWN_PART_SIZE_CAP,
  MIB,
  partLayout,
  partSizeOf,
  S3_MAX_OBJECT_SIZE,
  S3_MAX_PART_SIZE,
  S3_MAX_PARTS,
  S3_MIN_PART_SIZE,
  TARGET_PARTS,
} from "@/lib/shared/upload-layout"

/** Azure Blob Storage's block rules (Put Block, API 2019-12-12 and later). */
const AZURE_MAX_BLOCK_SIZE = 4000 * MIB
const AZURE_MAX_BLOCKS = 50_000

describe("partLayout grows parts for big files", () => {
  it.each([
    [1 * GIB, 8 * MIB, 128],
    [2 * GIB, 8 * MIB, 256],
    [3 * GIB, 16 * MIB, 192],
    [4 * GIB, 16 * MIB, 256],
    [6 * GIB, 32 * MIB, 192],
    [16 * GIB, 64 * MIB, 256],
    [100 * GIB, 64 * MIB, 1600],
  ])("%d bytes: %d-byte parts, %d of them", (size, partSize, partCount) => {
    expect(partLayout(size, 8 * MIB)).toEqual({ partSize, partCount })
  })

  it("keeps a larger configured part size", () => {
    expect(partLayout(1 * GIB, 128 * MIB)).toEqual({ partSize: 128 * MIB, partCount: 8 })
  })

  it("past 64 MiB × 10,000 grows only as far as 10,000 parts need", () => {
    const size = 1024 * GIB
    const layout = partLayout(size, 8 * MIB)
    expect(layout.partSize).toBeGreaterThan(GROWN_PART_SIZE_CAP)
    expect(layout.partCount).toBeLessThanOrEqual(S3_MAX_PARTS)
    expect(partLayout(size, 8 * MIB).partSize - MIB).toBeLessThan(Math.ceil(size / S3_MAX_PARTS))
  })

  it("stays within S3's and Azure's multipart rules for every size up to 5 TiB", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: S3_MIN_PART_SIZE + 1, max: S3_MAX_OBJECT_SIZE }),
        fc.constantFrom(5 * MIB, 8 * MIB, 10 * MIB, 64 * MIB, 100 * MIB),
        (size, preferred) => {
          const layout = { size, ...partLayout(size, preferred) }
          expect(layout.partCount).toBeLessThanOrEqual(S3_MAX_PARTS)
          expect(layout.partCount).toBeLessThanOrEqual(AZURE_MAX_BLOCKS)
          expect(layout.partSize).toBeGreaterThanOrEqual(S3_MIN_PART_SIZE)
          expect(layout.partSize).toBeLessThanOrEqual(Math.min(S3_MAX_PART_SIZE, AZURE_MAX_BLOCK_SIZE))
          expect(layout.partSize % MIB).toBe(0)
          const last = partSizeOf(layout.partCount, layout)
          expect(last).toBeGreaterThan(0)
          expect(last).toBeLessThanOrEqual(layout.partSize)
          expect(layout.partSize * (layout.partCount - 1) + last).toBe(size)
          // Small files keep the configured size; growth never passes the cap unless 10,000 parts need it.
          if (size <= preferred * TARGET_PARTS) expect(layout.partSize).toBe(preferred)
          if (layout.partSize > Math.max(preferred, GROWN_PART_SIZE_CAP))
            expect(layout.partSize).toBe(Math.ceil(size / S3_MAX_PARTS / MIB) * MIB)
        },
      ),
      { numRuns: 2000 },
    )
  })
})
