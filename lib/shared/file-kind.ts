/**
 * What a file is, in words a person uses ("PDF", "Archive"), from its media type and, when the
 * type says nothing (application/octet-stream, empty), its name's extension. Browser-safe.
 */
export const FILE_KINDS = [
  "image",
  "video",
  "audio",
  "pdf",
  "archive",
  "spreadsheet",
  "presentation",
  "document",
  "text",
  "code",
  "other",
] as const
export type FileKind = (typeof FILE_KINDS)[number]

const BY_EXTENSION: Record<string, FileKind> = {
  zip: "archive",
  "7z": "archive",
  rar: "archive",
  tar: "archive",
  gz: "archive",
  tgz: "archive",
  bz2: "archive",
  xz: "archive",
  zst: "archive",
  pdf: "pdf",
  png: "image",
  jpg: "image",
  jpeg: "image",
  gif: "image",
  webp: "image",
  svg: "image",
  heic: "image",
  avif: "image",
  tif: "image",
  tiff: "image",
  mp4: "video",
  mov: "video",
  mkv: "video",
  webm: "video",
  avi: "video",
  mp3: "audio",
  wav: "audio",
  flac: "audio",
  ogg: "audio",
  m4a: "audio",
  xls: "spreadsheet",
  xlsx: "spreadsheet",
  ods: "spreadsheet",
  csv: "spreadsheet",
  ppt: "presentation",
  pptx: "presentation",
  odp: "presentation",
  key: "presentation",
  doc: "document",
  docx: "document",
  odt: "document",
  rtf: "document",
  pages: "document",
  txt: "text",
  md: "text",
  log: "text",
  json: "code",
  xml: "code",
  yaml: "code",
  yml: "code",
  js: "code",
  ts: "code",
  py: "code",
  sh: "code",
  html: "code",
  css: "code",
}

function kindOfType(type: string): FileKind | undefined {
  const [top = "", sub = ""] = type.toLowerCase().split(";")[0]?.trim().split("/") ?? []
  if (top === "image" || top === "video" || top === "audio") return top
  if (sub === "pdf") return "pdf"
  if (/zip|x-tar|gzip|x-7z|rar|compressed|x-bzip|x-xz|zstd/.test(sub)) return "archive"
  if (/sheet|excel|csv/.test(sub)) return "spreadsheet"
  if (/presentation|powerpoint/.test(sub)) return "presentation"
  if (/msword|wordprocessing|opendocument\.text|rtf/.test(sub)) return "document"
  if (/json|xml|javascript|typescript|x-sh|x-python|yaml/.test(sub)) return "code"
  if (top === "text") return sub === "html" || sub === "css" ? "code" : "text"
  return undefined
}

export function fileKindOf(type: string, name = ""): FileKind {
  const extension = /\.([a-z0-9]{1,8})$/i.exec(name)?.[1]?.toLowerCase()
  return kindOfType(type) ?? (extension ? BY_EXTENSION[extension] : undefined) ?? "other"
}
