import type { ZodType } from "zod"

/**
 * The hostile values the bad-input tables are made of (tests/integration/bad-input/): raw JSON
 * numbers, missing fields, forbidden characters, wrong types, ids that are not ids.
 */

export const MIB = 1024 * 1024
/** The largest file the bad-input database allows (MAX_FILE_SIZE_BYTES in its setup). */
export const MAX_FILE_SIZE = 64 * MIB

/** `raw(text)`: sent verbatim inside the JSON (numbers JSON.stringify would round, NaN, …). */
export const RAW = Symbol("raw")
export type Raw = { [RAW]: string }
export const raw = (text: string): Raw => ({ [RAW]: text })
export const isRaw = (value: unknown): value is Raw => typeof value === "object" && value !== null && RAW in value
/** Marks a field to leave out of the body. */
export const MISSING = Symbol("missing")

/** The body as JSON text, with raw values spliced in. */
export function bodyText(body: Record<string, unknown>): string {
  const raws: string[] = []
  const json = JSON.stringify(body, (_, value: unknown) => {
    if (value === MISSING) return undefined
    if (isRaw(value)) {
      raws.push(value[RAW])
      return `\u0000raw${raws.length - 1}\u0000`
    }
    return value
  })
  return json.replace(/"\\u0000raw(\d+)\\u0000"/g, (_, index: string) => raws[Number(index)] ?? "null")
}

/** Characters a display name must not hold: they hide, reorder or break what people read. */
export const FORBIDDEN_IN_NAMES = [
  "\u0000", // NUL
  "\u0001",
  "\u0007", // bell
  "\u001b", // escape (terminal colours in logs)
  "\n",
  "\r",
  "\t",
  "\u007f", // DEL
  "\u0080", // C1 controls
  "\u0085",
  "\u009b",
  "\u202a", // bidi embeddings and overrides
  "\u202b",
  "\u202c",
  "\u202d",
  "\u202e", // RIGHT-TO-LEFT OVERRIDE: "invoice\u202Efdp.exe" reads as "invoiceexe.pdf"
  "\u2066", // bidi isolates
  "\u2067",
  "\u2068",
  "\u2069",
  "\u2028", // line and paragraph separators
  "\u2029",
  "\ud800", // a lone surrogate: not Unicode text at all
  "\udfff",
]
/** One of each kind of forbidden character, inside a valid name (the properties below try them all). */
export const hostileNames = (valid: string) => [
  ...["\u0000", "\u001b", "\n", "\u007f", "\u0085", "\u202e", "\u2067", "\u2028", "\ud800"].map(
    (char) => `${valid.slice(0, 2)}${char}${valid.slice(2)}`,
  ),
  "invoice\u202Efdp.exe",
]

export const WRONG_TYPES = [null, 42, true, [], {}]
export const NOT_NUMBERS = [null, "x", true, [], {}]
export const TOO_BIG_INTEGERS = [
  raw("9223372036854775808"),
  raw("9223372036854775807"),
  raw("-9223372036854775809"),
  2 ** 53,
  1e308,
  raw("1e400"),
]
export const NOT_WHOLE = [1.5, -0.5, 1e-300, "1", "", raw("-0.0000001")]

export type BodyCase = {
  /** A body that passes validation: sent with ids that name nothing, or to show one field is the problem. */
  valid: Record<string, unknown>
  /** The route's zod schema, so generated bodies know whether they are bad. */
  schema: ZodType
  /** Per field, values that must be refused with 400 (or the status given with `status`). */
  fields: Record<string, unknown[]>
  /** Whole bodies refused with another 4xx than 400 (limits, conflicts). */
  others?: { body: Record<string, unknown>; status: number; code: string }[]
}

export const withField = (valid: Record<string, unknown>, field: string, value: unknown) => ({
  ...valid,
  [field]: value,
})

/** How a test names a value: short, printable (control characters as \uXXXX). */
export const show = (value: unknown) => {
  if (value === MISSING) return "(missing)"
  const text = isRaw(value) ? value[RAW] : (JSON.stringify(value) ?? String(value))
  return (text.length > 60 ? `${text.slice(0, 60)}…(${text.length})` : text).replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  )
}

/** Path parameters that name nothing: near misses of the caller's own id, and hostile strings. */
export const hostileIds = (own: string) => [
  "",
  `${own}\u0000`,
  `../${own}`,
  `${own}%00`,
  `\u202e${own}`,
  `${own} `,
  own.toUpperCase(),
  "x".repeat(5000),
  "\ud800",
  "' OR '1'='1",
]
