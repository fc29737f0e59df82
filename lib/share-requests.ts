import { ApiError, readOptionalJson } from "@/lib/errors"
import { clientIp } from "@/lib/rate-limit"
import { readUnlockCookie, type RecipientRequest } from "@/lib/shares"
import type { PresignedRequest } from "@/lib/storage"
import { recipientAccessSchema } from "@/lib/shared/validations/shares"

/**
 * The HTTP side of a recipient's request to `/s/:token/**`: what it carries (password, unlock
 * cookie, zip ticket) and how a key goes back (302, JSON for the page's scripts, or the page
 * itself after a failed form).
 */

// A Location or body holding a working key: no cache may keep it, and storage must not learn the
// share page (whose URL holds the share token) through Referer.
export const PRIVATE_HEADERS = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } as const

export const isFormPost = (request: Request) =>
  request.method === "POST" &&
  /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(request.headers.get("content-type") ?? "")

/** The page's scripts ask for JSON (`Accept: application/json`) so they can read the key and the count. */
export const wantsJson = (request: Request) => /\bapplication\/json\b/i.test(request.headers.get("accept") ?? "")

/** Reads the password and ticket a POST may carry, from the page's form or JSON; GET carries none. */
async function readAccess(request: Request): Promise<{ password?: string; ticket?: string }> {
  if (request.method !== "POST") return {}
  if (isFormPost(request)) {
    const form = await request.formData().catch(() => {
      throw new ApiError("invalid_form", "Request body must be a valid form")
    })
    const field = (name: string) => {
      const value = form.get(name)
      return typeof value === "string" && value !== "" ? value : undefined
    }
    return recipientAccessSchema.parse({ password: field("password"), ticket: field("ticket") })
  }
  return recipientAccessSchema.parse((await readOptionalJson(request)) ?? {})
}

export async function recipientRequest(request: Request, token: string): Promise<RecipientRequest> {
  const access = await readAccess(request)
  return {
    token,
    ip: clientIp(request),
    userAgent: request.headers.get("user-agent"),
    unlock: readUnlockCookie(request.headers.get("cookie")),
    ...access,
  }
}

/** A minted key as the caller wants it: 302 to it, or JSON `{url, expiresAt, …extra}`. */
export function keyResponse(request: Request, key: PresignedRequest, extra: Record<string, unknown> = {}): Response {
  if (wantsJson(request))
    return Response.json({ url: key.url, expiresAt: key.expiresAt, ...extra }, { headers: PRIVATE_HEADERS })
  return new Response(null, { status: 302, headers: { Location: key.url, ...PRIVATE_HEADERS } })
}

/**
 * A failed form from the share page goes back to the page, which explains the failure; scripts
 * and API clients get the JSON error (the caller rethrows).
 */
export function formFailure(request: Request, token: string, error: unknown): Response | undefined {
  if (!isFormPost(request) || !(error instanceof ApiError)) return undefined
  const page = `/s/${encodeURIComponent(token)}?error=${encodeURIComponent(error.code)}`
  return new Response(null, { status: 303, headers: { Location: page, ...PRIVATE_HEADERS } })
}
