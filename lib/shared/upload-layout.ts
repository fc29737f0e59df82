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

/** Part size for a file: the preferred size, grown in whole MiB so no upload needs over 10,000 parts. */
export function partLayout(size: number, preferredPartSize: number) {
  const partSize = Math.max(preferredPartSize, Math.ceil(size / S3_MAX_PARTS / MIB) * MIB)
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
