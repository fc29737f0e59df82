/**
 * Entry names for the browser-made "download all" zip. Display names are metadata typed by
 * people, so a name could try to climb out of the folder it is unpacked into ("../x"), start at
 * the root ("/etc/x", "C:\\x"), or hide control characters. Each name becomes one flat, safe file
 * name, and duplicates get " (2)", " (3)" before the extension so no entry overwrites another.
 */
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g
/** Characters Windows refuses in a file name; "/" and "\\" would make a path. */
const SEPARATORS_AND_RESERVED = /[/\\:*?"<>|]/g
const MAX_ENTRY_NAME_LENGTH = 200

export function safeZipEntryName(name: string): string {
  const flat = name.replace(UNSAFE_CHARACTERS, "").replace(SEPARATORS_AND_RESERVED, "_").trim()
  // Leading dots would make "..", "." or hidden files; trailing dots and spaces vanish on Windows.
  const trimmed = flat.replace(/^[.\s]+/, "").replace(/[.\s]+$/, "")
  const short = trimmed.length > MAX_ENTRY_NAME_LENGTH ? trimmed.slice(0, MAX_ENTRY_NAME_LENGTH) : trimmed
  return short || "file"
}

/** Safe, unique entry names for a list of display names, in order. */
export function zipEntryNames(names: string[]): string[] {
  const taken = new Set<string>()
  return names.map((name) => {
    const safe = safeZipEntryName(name)
    const dot = safe.lastIndexOf(".")
    const [stem, extension] = dot > 0 ? [safe.slice(0, dot), safe.slice(dot)] : [safe, ""]
    let candidate = safe
    for (let copy = 2; taken.has(candidate.toLowerCase()); copy += 1) candidate = `${stem} (${copy})${extension}`
    taken.add(candidate.toLowerCase())
    return candidate
  })
}
