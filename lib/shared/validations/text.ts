import { z } from "zod"
import { say } from "@/lib/shared/validations/messages"

/**
 * Characters no name or title Valet shows may hold. They end up in the UI, in Content-Disposition
 * headers, in CSV exports and in logs, where they hide, reorder or break what people read:
 * - C0 and C1 controls and DEL (NUL also breaks PostgreSQL text; ESC paints terminals);
 * - bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): "invoice\u202Efdp.exe"
 *   displays as "invoiceexe.pdf";
 * - the Unicode line and paragraph separators (U+2028, U+2029).
 * Bidi *marks* (LRM, RLM, ALM) and joiners stay allowed: right-to-left and emoji text needs them,
 * and they cannot reorder a name.
 */
const FORBIDDEN_IN_NAMES = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/
/** The same, with tab and line breaks allowed: for multi-line text such as a message. */
const FORBIDDEN_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/

/** Whether a name or title is safe to show: well-formed Unicode without hidden or reordering characters. */
export const isDisplaySafe = (text: string, options: { multiline?: boolean } = {}) =>
  text.isWellFormed() && !(options.multiline ? FORBIDDEN_IN_TEXT : FORBIDDEN_IN_NAMES).test(text)

/**
 * Refines a string that will be shown to people (file names, titles, token names): refused, not
 * silently altered, when it holds a character from FORBIDDEN_IN_NAMES, so what the user typed is
 * what is stored and shown. `what` names the field in the message ("The name …").
 */
export function displaySafe<S extends z.ZodString>(schema: S, what: string, options: { multiline?: boolean } = {}): S {
  return schema
    .refine((text) => text.isWellFormed(), say("notUnicode", { what }))
    .refine(
      (text) => !(options.multiline ? FORBIDDEN_IN_TEXT : FORBIDDEN_IN_NAMES).test(text),
      say("controlCharacters", { what }),
    ) as S
}

/**
 * Ids Valet mints (cuid or UUID) and cursors made from them. Anything else names nothing, so the
 * database is never asked (a NUL byte would even make PostgreSQL fail the query).
 */
export const RESOURCE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

export const isResourceId = (value: string) => RESOURCE_ID_PATTERN.test(value)

export const resourceIdSchema = z.string().regex(RESOURCE_ID_PATTERN, "Not a valid id")

/** A search or filter string from a query: no controls (PostgreSQL refuses NUL), at most `max` characters. */
export const searchText = (max: number) => displaySafe(z.string().trim().max(max), "Search text")
