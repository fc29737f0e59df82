/**
 * Which files a share page may show inline (DESIGN §3.13): only types a browser renders without
 * running script. HTML, SVG and XML are never among them, whatever their name says. Browser-safe:
 * the recipient page picks its viewer from the same table the server mints keys by.
 */
export type PreviewKind = "image" | "video" | "audio" | "pdf" | "text"

const PREVIEW_TYPES: Readonly<Record<string, PreviewKind>> = {
  "image/png": "image",
  "image/jpeg": "image",
  "image/gif": "image",
  "image/webp": "image",
  "image/avif": "image",
  "image/bmp": "image",
  "video/mp4": "video",
  "video/webm": "video",
  "audio/mpeg": "audio",
  "audio/mp4": "audio",
  "audio/aac": "audio",
  "audio/ogg": "audio",
  "audio/wav": "audio",
  "audio/webm": "audio",
  "audio/flac": "audio",
  "application/pdf": "pdf",
  "text/plain": "text",
  "text/csv": "text",
  "text/markdown": "text",
  "text/tab-separated-values": "text",
  "application/json": "text",
}

/** The media type without parameters, lower-cased ("Text/Plain; charset=x" → "text/plain"). */
const essenceOf = (contentType: string) => contentType.split(";")[0]?.trim().toLowerCase() ?? ""

export function previewKindOf(contentType: string): PreviewKind | null {
  return PREVIEW_TYPES[essenceOf(contentType)] ?? null
}

/**
 * The Content-Type a preview key pins: the type's essence, and every text kind as
 * `text/plain; charset=utf-8` so nothing the owner uploaded is interpreted as markup.
 */
export function previewContentType(contentType: string): string | null {
  const kind = previewKindOf(contentType)
  if (kind === null) return null
  return kind === "text" ? "text/plain; charset=utf-8" : essenceOf(contentType)
}
