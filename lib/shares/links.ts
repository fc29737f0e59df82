/** A link's public form: its URL, the sealed token that lets its owner copy it again, and why a dead link is gone. */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto"
import { getEnv } from "@/lib/env"
import { ApiError } from "@/lib/errors"
import { type ShareState } from "@/lib/share-state"
import { isTokenShaped } from "@/lib/tokens"

const sealKey = () => Buffer.from(hkdfSync("sha256", getEnv().AUTH_SECRET, "", "valet share link seal", 32))

/** The token, encrypted so only this server can give its owner the link again. */
export function sealShareToken(token: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv("aes-256-gcm", sealKey(), iv)
  const sealed = Buffer.concat([cipher.update(token, "utf8"), cipher.final()])
  return [iv, sealed, cipher.getAuthTag()].map((part) => part.toString("base64url")).join(".")
}

/** The link's URL from its sealed token, or null (an older link, or a changed AUTH_SECRET). */
export function unsealShareUrl(sealed: string | null): string | null {
  if (!sealed) return null
  try {
    const [iv = "", data = "", tag = ""] = sealed.split(".")
    const decipher = createDecipheriv("aes-256-gcm", sealKey(), Buffer.from(iv, "base64url"))
    decipher.setAuthTag(Buffer.from(tag, "base64url"))
    const token = Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8")
    return isTokenShaped(token) ? shareUrl(token) : null
  } catch {
    return null
  }
}

export const shareUrl = (token: string) => new URL(`/s/${token}`, getEnv().APP_URL).toString()

const GONE_MESSAGES: Record<Exclude<ShareState, "active">, string> = {
  revoked: "This link was revoked",
  expired: "This link has expired",
  used_up: "This link has reached its download limit",
}

export const shareGone = (state: Exclude<ShareState, "active">) => new ApiError(`share_${state}`, GONE_MESSAGES[state])

export const linkNotFound = () => new ApiError("not_found", "This link does not exist")
