/** The kind of file a media type names, for an icon the eye can scan a list by. */
export function fileKind(type: string): "image" | "video" | "audio" | "archive" | "document" | "other" {
  const [top = "", sub = ""] = type.toLowerCase().split(";")[0]?.trim().split("/") ?? []
  if (top === "image" || top === "video" || top === "audio") return top
  if (/zip|tar|gzip|x-7z|rar|compressed|x-bzip/.test(sub)) return "archive"
  if (top === "text" || /pdf|msword|document|sheet|presentation|rtf|json|xml|csv/.test(sub)) return "document"
  return "other"
}

// 24×24 outline glyphs (stroke only), so they take the text colour in light and dark mode.
const GLYPHS: Record<ReturnType<typeof fileKind>, string> = {
  image: "M4 5h16v14H4zM4 16l5-5 4 4 3-3 4 4M15 9.5a1.5 1.5 0 1 0 0-.01",
  video: "M4 6h11v12H4zM15 10l5-3v10l-5-3",
  audio: "M9 18V6l10-2v12M9 18a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0zM19 16a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0z",
  archive: "M5 4h14v16H5zM12 4v2M12 8v2M12 12v2M11 16h2v2h-2z",
  document: "M6 3h8l4 4v14H6zM14 3v4h4M9 12h6M9 15h6M9 18h4",
  other: "M6 3h8l4 4v14H6zM14 3v4h4",
}

export function FileTypeIcon({ type, className = "h-5 w-5" }: { type: string; className?: string }) {
  const kind = fileKind(type)
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.5}
      strokeLinecap="round"
      strokeLinejoin="round"
      className={className}
      aria-hidden="true"
      data-kind={kind}
    >
      <path d={GLYPHS[kind]} />
    </svg>
  )
}

/** A file's name after its kind's icon, truncated to its cell. */
export function FileNameWithIcon({ name, type }: { name: string; type: string }) {
  return (
    <span className="flex items-center gap-2">
      <FileTypeIcon type={type} className="h-5 w-5 shrink-0 text-slate-400" />
      <span className="truncate">{name}</span>
    </span>
  )
}
