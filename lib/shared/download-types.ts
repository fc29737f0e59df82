/**
 * Which recorded media types a download may be served as (DESIGN §3.13). Storage serves an object
 * from its own origin with whatever type the GET key pins; an HTML, SVG, XML or script body served
 * under its own type can run there if a browser ever renders it (a proxy that drops the
 * attachment disposition, a "view" in a download manager, a sniffing client). So the type is an
 * allowlist: what cannot run keeps its type, everything else (active or unknown) becomes
 * `application/octet-stream`. Browser-safe: the files UI can ask the same question.
 */

export const OPAQUE_CONTENT_TYPE = "application/octet-stream"

/** Exact types that browsers never execute and render, if at all, in a sandboxed viewer. */
const SAFE_TYPES = new Set([
  "application/pdf",
  "application/json",
  "application/zip",
  "application/gzip",
  "application/x-gzip",
  "application/x-tar",
  "application/x-7z-compressed",
  "application/x-bzip2",
  "application/x-xz",
  "application/vnd.rar",
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint",
  "application/rtf",
  "application/epub+zip",
  OPAQUE_CONTENT_TYPE,
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "image/avif",
  "image/bmp",
  "image/tiff",
  "image/heic",
  "image/heif",
  "image/x-icon",
  "image/vnd.microsoft.icon",
  "text/plain",
  "text/csv",
  "text/tab-separated-values",
  "text/markdown",
])

/** Families that are media containers, never markup or code. */
const SAFE_PREFIXES = [
  "audio/",
  "video/",
  "font/",
  "application/vnd.openxmlformats-officedocument.",
  "application/vnd.oasis.opendocument.",
]

/**
 * Markers of a type a browser may run: markup (HTML, XHTML, SVG and every +xml), scripts, and
 * containers of those (MHTML). Checked before the allowlist, so "audio/x-foo+xml" stays opaque.
 */
const ACTIVE_MARKERS = /html|\/xml|\+xml|xml$|script|svg|message\/|multipart\/|x-shockwave-flash|wasm|manifest/

/** The bare `type/subtype`, lower-cased, without parameters. */
const bareType = (type: string) => (type.split(";")[0] ?? "").trim().toLowerCase()

/** Whether content of this type is safe to serve under its own type (it cannot run in a browser). */
export function isSafeContentType(type: string): boolean {
  const bare = bareType(type)
  if (!/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(bare)) return false
  if (ACTIVE_MARKERS.test(bare)) return false
  return SAFE_TYPES.has(bare) || SAFE_PREFIXES.some((prefix) => bare.startsWith(prefix))
}

/**
 * The Content-Type a presigned GET pins for a file recorded with `type`: its bare type when safe
 * (text keeps a plain charset, so UTF-8 text reads right), `application/octet-stream` otherwise.
 */
export function downloadContentType(type: string): string {
  if (!isSafeContentType(type)) return OPAQUE_CONTENT_TYPE
  const bare = bareType(type)
  const charset = /;\s*charset="?([A-Za-z0-9_.:-]{1,40})"?\s*(;|$)/i.exec(type)?.[1]
  return bare.startsWith("text/") && charset ? `${bare}; charset=${charset.toLowerCase()}` : bare
}
