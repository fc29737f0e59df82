import type { AccountUser } from "@/lib/accounts"
import { recordAction } from "@/lib/audit"
import { getDb, queryPrepared } from "@/lib/db"
import { ApiError, notFound } from "@/lib/errors"
import type { CreateApiTokenInput } from "@/lib/shared/validations/auth"
import type { ApiTokenSummary } from "@/lib/shared/wire/account"
import { isResourceId } from "@/lib/shared/validations/text"
import { hashToken, isTokenShaped, mintToken } from "@/lib/tokens"

export type { ApiTokenSummary }

/** Recognisable in logs and by secret scanners; 32 random bytes follow. */
export const API_TOKEN_PREFIX = "vlt_"
/** Characters of the secret kept for display, prefix included ("vlt_AbCd1234"). */
const DISPLAY_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 8
export const MAX_ACTIVE_TOKENS_PER_USER = 50
// Writing lastUsedAt on every request would turn each read into a write; a minute is precise enough.
const LAST_USED_PRECISION_MS = 60_000

const TOKEN_SELECT = { id: true, name: true, prefix: true, createdAt: true, expiresAt: true, lastUsedAt: true } as const

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
 * expired, or its account is disabled. One prepared statement on every authenticated API call: the
 * token and its account in one indexed join, and lastUsedAt written in the same statement at most
 * once a minute (the UPDATE matches no row the rest of the time). Validity is judged in SQL, by
 * the database's clock, so no timestamp crosses into JavaScript.
 */
export async function authenticateApiToken(secret: string): Promise<(AccountUser & { tokenId: string }) | null> {
  if (!isTokenShaped(secret, API_TOKEN_PREFIX)) return null
  const { rows } = await queryPrepared<AccountUser & { tokenId: string }>({
    name: "valet_authenticate_api_token",
    text: `WITH found AS (
             SELECT t.id AS "tokenId", u.id, u.email, u.name, u.role::text AS role
             FROM "ApiToken" t JOIN "User" u ON u.id = t."userId"
             WHERE t."tokenHash" = $1 AND t."revokedAt" IS NULL
               AND (t."expiresAt" IS NULL OR t."expiresAt" > (now() AT TIME ZONE 'UTC'))
               AND u."disabledAt" IS NULL
           ), touched AS (
             UPDATE "ApiToken" SET "lastUsedAt" = (now() AT TIME ZONE 'UTC')
             WHERE id = (SELECT "tokenId" FROM found)
               AND ("lastUsedAt" IS NULL OR "lastUsedAt" < (now() AT TIME ZONE 'UTC') - make_interval(secs => $2))
           )
           SELECT "tokenId", id, email, name, role FROM found`,
    values: [hashToken(secret), LAST_USED_PRECISION_MS / 1000],
  })
  const row = rows[0]
  if (!row) return null
  return { id: row.id, email: row.email, name: row.name, role: row.role, tokenId: row.tokenId }
}
