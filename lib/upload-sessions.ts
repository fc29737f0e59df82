import { createHmac, timingSafeEqual } from "node:crypto"
import { getEnv } from "@/lib/env"

/**
 * Upload sessions: after the right password, a sender of a password-protected upload request gets
 * a token that stands for the password for an hour, so 200 small files or one long multipart upload
 * cost one argon2 verify, not one per call against the per-address password budget.
 *
 * Stateless (an HMAC under AUTH_SECRET), so any instance checks it without a query. It is bound to
 * one request (its id is signed in) and to the request's current password hash (changing the
 * password ends every session); closing or expiring the request ends it too, because every call
 * still looks the request up and refuses a closed one before the session is considered.
 */
export const UPLOAD_SESSION_TTL_SECONDS = 60 * 60
const VERSION = "us1"

type SessionSubject = { id: string; passwordHash: string | null }
export type UploadSession = { token: string; expiresAt: Date }

function signatureOf(subject: SessionSubject, expiresAtSeconds: number): Buffer {
  return createHmac("sha256", getEnv().AUTH_SECRET)
    .update(`valet-upload-session\n${VERSION}\n${subject.id}\n${expiresAtSeconds}\n${subject.passwordHash ?? ""}`)
    .digest()
}

export function mintUploadSession(subject: SessionSubject, now = new Date()): UploadSession {
  const expiresAtSeconds = Math.floor(now.getTime() / 1000) + UPLOAD_SESSION_TTL_SECONDS
  const token = `${VERSION}.${expiresAtSeconds}.${signatureOf(subject, expiresAtSeconds).toString("base64url")}`
  return { token, expiresAt: new Date(expiresAtSeconds * 1000) }
}

/** When a session for this request stops working, or null when it is not a live session for it. */
export function verifyUploadSession(token: string, subject: SessionSubject, now = new Date()): Date | null {
  const match = /^us1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token)
  if (!match) return null
  const expiresAtSeconds = Number(match[1])
  if (expiresAtSeconds * 1000 <= now.getTime()) return null
  const given = Buffer.from(match[2] ?? "", "base64url")
  const expected = signatureOf(subject, expiresAtSeconds)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
  return new Date(expiresAtSeconds * 1000)
}

/** A session past half its life is renewed on use, so a long upload never stops mid-way. */
export const needsRenewal = (expiresAt: Date, now = new Date()) =>
  expiresAt.getTime() - now.getTime() < (UPLOAD_SESSION_TTL_SECONDS * 1000) / 2
