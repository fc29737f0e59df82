import type { AccountUser } from "@/lib/accounts"
import { recordAction } from "@/lib/audit"
import { getDb } from "@/lib/db"
import { ApiError, notFound } from "@/lib/errors"
import type { CreateApiTokenInput } from "@/lib/shared/validations/auth"
import { isResourceId } from "@/lib/shared/validations/text"
import { hashToken, isTokenShaped, mintToken } from "@/lib/tokens"

/** Recognisable in logs and by secret scanners; 32 random bytes follow. */
export const API_TOKEN_PREFIX = "vlt_"
/** Characters of the secret kept for display, prefix included ("vlt_AbCd1234"). */
const DISPLAY_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 8
export const MAX_ACTIVE_TOKENS_PER_USER = 50
// Writing lastUsedAt on every request would turn each read into a write; a minute is precise enough.
const LAST_USED_PRECISION_MS = 60_000

const TOKEN_SELECT = { id: true, name: true, prefix: true, createdAt: true, expiresAt: true, lastUsedAt: true } as const

export type ApiTokenSummary = {
  id: string
  name: string
  prefix: string
  createdAt: Date
  expiresAt: Date | null
  lastUsedAt: Date | null
}

// The secret carries 256 bits of entropy, so a fast hash is enough: there is nothing to brute-force.

const activeTokenWhere = (now: Date) => ({ revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] })

/**
 * The expiry of a new token. A token minted with another token lives no longer than that one: a
 * later or absent expiry (never) is capped to the caller's, so a leaked token cannot extend
 * itself. The answer's `expiresAt` says what was granted. A session mints what it asks for.
 */
async function grantedExpiry(
  user: AccountUser & { tokenId?: string },
  input: CreateApiTokenInput,
  now: Date,
): Promise<Date | null> {
  const requested = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null
  if (!user.tokenId) return requested
  const caller = await getDb().apiToken.findUnique({ where: { id: user.tokenId }, select: { expiresAt: true } })
  // The caller was authenticated by this very token moments ago; gone now means revoked meanwhile.
  if (!caller)
    throw new ApiError("invalid_token", "The API token is invalid, expired or revoked, or its account is disabled")
  if (!caller.expiresAt) return requested
  return requested && requested < caller.expiresAt ? requested : caller.expiresAt
}

export async function createApiToken(
  user: AccountUser & { tokenId?: string; via?: "session" | "token" },
  input: CreateApiTokenInput,
): Promise<ApiTokenSummary & { secret: string }> {
  const db = getDb()
  const now = new Date()
  const expiresAt = await grantedExpiry(user, input, now)
  const active = await db.apiToken.count({ where: { userId: user.id, ...activeTokenWhere(now) } })
  if (active >= MAX_ACTIVE_TOKENS_PER_USER) {
    throw new ApiError("token_limit", `You already have ${MAX_ACTIVE_TOKENS_PER_USER} active tokens; revoke one first`)
  }
  const secret = mintToken(API_TOKEN_PREFIX)
  const token = await db.apiToken.create({
    data: {
      userId: user.id,
      name: input.name,
      tokenHash: hashToken(secret),
      prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH),
      expiresAt,
    },
    select: TOKEN_SELECT,
  })
  await recordAction(
    { id: user.id, via: user.via ?? "session" },
    { action: "token.create", details: { tokenId: token.id, name: token.name, prefix: token.prefix } },
  )
  return { ...token, secret }
}

/** The user's tokens that still work, newest first. */
export function listApiTokens(user: AccountUser): Promise<ApiTokenSummary[]> {
  return getDb().apiToken.findMany({
    where: { userId: user.id, ...activeTokenWhere(new Date()) },
    orderBy: { createdAt: "desc" },
    select: TOKEN_SELECT,
  })
}

/** Revokes one of the user's own tokens; anyone else's, or an already revoked one, is a 404. */
export async function revokeApiToken(
  user: AccountUser & { via?: "session" | "token" },
  tokenId: string,
): Promise<void> {
  if (!isResourceId(tokenId)) throw notFound("Token")
  await getDb().$transaction(async (tx) => {
    const { count } = await tx.apiToken.updateMany({
      where: { id: tokenId, userId: user.id, revokedAt: null },
      data: { revokedAt: new Date() },
    })
    if (count === 0) throw notFound("Token")
    const token = await tx.apiToken.findUniqueOrThrow({ where: { id: tokenId }, select: { name: true, prefix: true } })
    await recordAction(
      { id: user.id, via: user.via ?? "session" },
      { action: "token.revoke", details: { tokenId, name: token.name, prefix: token.prefix } },
      tx,
    )
  })
}

/**
 * The account a bearer secret acts for, or null when the secret is malformed, unknown, revoked,
 * expired, or its account is disabled. One indexed read; lastUsedAt is written at most once a minute.
 */
export async function authenticateApiToken(secret: string): Promise<(AccountUser & { tokenId: string }) | null> {
  if (!isTokenShaped(secret, API_TOKEN_PREFIX)) return null
  const db = getDb()
  const now = new Date()
  const token = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(secret) },
    select: {
      id: true,
      revokedAt: true,
      expiresAt: true,
      lastUsedAt: true,
      user: { select: { id: true, email: true, name: true, role: true, disabledAt: true } },
    },
  })
  if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now) || token.user.disabledAt) return null
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    await db.apiToken.updateMany({
      where: {
        id: token.id,
        OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_PRECISION_MS) } }],
      },
      data: { lastUsedAt: now },
    })
  }
  const { id, email, name, role } = token.user
  return { id, email, name, role, tokenId: token.id }
}
