/**
 * How a file is cut into multipart parts. Pure and shared: the server signs each part's exact
 * length, and the browser (Uppy's getChunkSize) must cut the file the same way.
 */
export const MIB = 1024 * 1024
export const GIB = 1024 * MIB
/** S3's multipart rules: parts of 5 MiB to 5 GiB (the last may be smaller), at most 10,000 of them. */
export const S3_MIN_PART_SIZE = 5 * MIB
export const S3_MAX_PART_SIZE = 5 * GIB
export const S3_MAX_PARTS = 10_000
/** The largest object S3 stores (5 TiB). */
export const S3_MAX_OBJECT_SIZE = 5 * 1024 * GIB

/**
 * Big files get bigger parts: each part costs a signed URL, a request to storage and a line in the
 * completion, so past TARGET_PARTS parts the size doubles (16, 32, 64 MiB…) up to
 * GROWN_PART_SIZE_CAP; a 1 GiB file keeps 8 MiB parts (128), 4 GiB gets 16 MiB, 16 GiB 64 MiB.
 * Past 64 MiB × 10,000 (625 GiB) parts grow further only to stay within S3's 10,000.
 * Azure's blocks allow this too: up to 4000 MiB each, 50,000 per blob.
 */
export const TARGET_PARTS = 256
export const GROWN_PART_SIZE_CAP = 64 * MIB

/**
 * Part size for a file. Pure and the one definition: the server records it on the grant, the
 * browser cuts the file with it, and each part URL has its part's exact length signed in.
 */
export function partLayout(size: number, preferredPartSize: number) {
  let grown = preferredPartSize
  while (grown < GROWN_PART_SIZE_CAP && size > grown * TARGET_PARTS) grown *= 2
  const partSize = Math.min(
    S3_MAX_PART_SIZE,
    Math.max(preferredPartSize, Math.min(grown, GROWN_PART_SIZE_CAP), Math.ceil(size / S3_MAX_PARTS / MIB) * MIB),
  )
  return { partSize, partCount: Math.max(1, Math.ceil(size / partSize)) }
}

/** The byte length of one part: full parts, then whatever remains. */
export function partSizeOf(partNumber: number, layout: { size: number; partSize: number; partCount: number }) {
  return partNumber < layout.partCount ? layout.partSize : layout.size - layout.partSize * (layout.partCount - 1)
}

export function formatBytes(value: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
  let scaled = value
  let unit = 0
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024
    unit++
  }
  return `${unit === 0 ? scaled : scaled.toFixed(1).replace(/\.0$/, "")} ${units[unit]}`
}
