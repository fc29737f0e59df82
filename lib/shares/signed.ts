/** Signed, stateless proofs a recipient carries: the unlock cookie after a right password, and "download all" tickets. */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import { getEnv } from "@/lib/env"

// ---------------------------------------------------------------- signed unlocks and zip tickets

/** How long a right password unlocks a link's page in one browser, so no file asks for it again. */
export const SHARE_UNLOCK_SECONDS = 30 * 60
/** How long a started "download all" may keep fetching its files (each through its own fresh key). */
export const ZIP_TICKET_SECONDS = 6 * 60 * 60
export const SHARE_UNLOCK_COOKIE = "valet_share_unlock"

function signature(purpose: string, parts: string[], expiresAt: number): string {
  return createHmac("sha256", getEnv().AUTH_SECRET)
    .update([purpose, ...parts, String(expiresAt)].join("\n"))
    .digest("base64url")
}

export function issueSigned(purpose: string, parts: string[], seconds: number): string {
  const expiresAt = Math.floor(Date.now() / 1000) + seconds
  return `${expiresAt}.${signature(purpose, parts, expiresAt)}`
}

export function verifySigned(purpose: string, parts: string[], value: string): boolean {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value)
  if (!match) return false
  const expiresAt = Number(match[1])
  if (expiresAt <= Date.now() / 1000) return false
  const expected = Buffer.from(signature(purpose, parts, expiresAt))
  const given = Buffer.from(match[2] ?? "")
  return expected.length === given.length && timingSafeEqual(expected, given)
}

/**
 * A "download all" ticket: a random id signed with the link. Each file may be fetched through one
 * ticket once (RateLimit rows keyed by the id, for the ticket's life), so a ticket replayed after
 * its zip cannot serve the link's files again uncounted.
 */
export function issueZipTicket(shareId: string): string {
  const id = randomBytes(9).toString("base64url")
  return `${id}.${issueSigned("zip", [shareId, id], ZIP_TICKET_SECONDS)}`
}

/** The ticket's id when it is a valid ticket of this link, else null. */
export function verifyZipTicket(shareId: string, ticket: string): string | null {
  const match = /^([A-Za-z0-9_-]{12})\.(.+)$/.exec(ticket)
  return match?.[1] && match[2] && verifySigned("zip", [shareId, match[1]], match[2]) ? match[1] : null
}

// The unlock is bound to the link and to its password hash: a new or removed password ends it.
export const unlockParts = (share: { id: string; passwordHash: string | null }) => [share.id, share.passwordHash ?? ""]

/**
 * The unlock cookie: httpOnly, scoped to the link's own path (so it goes nowhere else), Lax, and
 * Secure on https.
 */
export function shareUnlockCookie(token: string, value: string): string {
  const secure = new URL(getEnv().APP_URL).protocol === "https:" ? "; Secure" : ""
  return `${SHARE_UNLOCK_COOKIE}=${value}; Path=/s/${token}; Max-Age=${SHARE_UNLOCK_SECONDS}; HttpOnly; SameSite=Lax${secure}`
}

/** The unlock cookie's value in a Cookie header, if any. */
export function readUnlockCookie(cookieHeader: string | null): string | undefined {
  for (const part of (cookieHeader ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=")
    if (name === SHARE_UNLOCK_COOKIE) return value.join("=")
  }
  return undefined
}
