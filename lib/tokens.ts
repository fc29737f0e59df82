import { createHash, randomBytes } from "node:crypto"

/**
 * Every secret Valet hands out in a URL or header (share links, upload-request links, API tokens)
 * is 32 random bytes in base64url and is stored only as its SHA-256: a database leak yields no
 * working link. Unsalted SHA-256 is enough for 256 bits of randomness (nothing to guess) and keeps
 * the lookup an indexed equality.
 */
const TOKEN_BYTES = 32
/** 32 bytes in base64url, without padding. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/

/** A fresh secret, optionally behind a prefix that tells its kind (`vlt_` for API tokens). */
export const mintToken = (prefix = "") => prefix + randomBytes(TOKEN_BYTES).toString("base64url")

/** What the database keeps of a secret. */
export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex")

/** Whether a string can be a token minted here (checked before any query, so garbage costs nothing). */
export const isTokenShaped = (token: string, prefix = "") =>
  token.startsWith(prefix) && TOKEN_PATTERN.test(token.slice(prefix.length))
