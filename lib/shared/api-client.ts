import { z } from "zod"
import { isErrorCode, type ErrorCode } from "@/lib/shared/error-codes"
import { errorBodySchema, type ValidationIssue } from "@/lib/shared/wire/errors"

/** The error body every Valet route answers with (lib/errors.ts), as the browser receives it. */
// The documented error body, read leniently: a newer server may answer a code (or a field) this
// build does not know yet, and the message is still worth showing.
const apiErrorBodySchema = z.object({
  error: errorBodySchema.shape.error.extend({ code: z.string() }).loose(),
})

export type ApiFailure = {
  status: number
  /** A catalogued code; `unexpected_response` when the body is not ours or names a code this build does not know; `network_error` when no answer came. */
  code: ErrorCode | "unexpected_response" | "network_error"
  message: string
  issues: ValidationIssue[]
  /** Seconds from a 429's Retry-After header. */
  retryAfterSeconds?: number
}

/**
 * Reads a failed response from a Valet route. A body that is not ours (a proxy's HTML error
 * page, an empty 502) still yields a usable message rather than a parse error.
 */
export async function readApiFailure(response: Response): Promise<ApiFailure> {
  const parsed = apiErrorBodySchema.safeParse(await response.json().catch(() => null))
  const retryAfter = Number(response.headers.get("retry-after"))
  return {
    status: response.status,
    code: parsed.success && isErrorCode(parsed.data.error.code) ? parsed.data.error.code : "unexpected_response",
    message: parsed.success
      ? sentence(parsed.data.error.message)
      : `The server answered ${response.status}. Try again in a moment.`,
    issues: parsed.success ? (parsed.data.error.issues ?? []) : [],
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
  }
}

/** API messages are written as clauses ("…; sign in instead"); the UI shows them as sentences. */
export function sentence(message: string): string {
  const trimmed = message.trim()
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

/** "Try again in 15 minutes." from a Retry-After, for 429 messages. */
export function retryHint(seconds: number | undefined): string {
  if (!seconds) return "Wait a few minutes and try again."
  if (seconds < 90) return `Try again in ${seconds} seconds.`
  return `Try again in ${Math.ceil(seconds / 60)} minutes.`
}

export const NETWORK_ERROR_MESSAGE = "Valet could not be reached. Check your connection and try again."
