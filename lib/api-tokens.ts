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

/** The 401 for a bearer secret that does not authenticate. */
export const invalidToken = () =>
  new ApiError("invalid_token", "The API token is invalid, expired or revoked, or its account is disabled")

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
  if (!caller) throw invalidToken()
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
 * The owner of each API token recently authenticated here, by the token's hash. A token never
 * changes owner, so an entry cannot go stale, only dead (a revoked, expired or deleted token); it
 * decides nothing: every use still checks the token in the database. It lets a grant sign its key
 * under the owner's prefix before the one statement that checks the token and grants
 * (lib/uploads/grant.ts). Bounded; the oldest entry leaves first.
 */
const tokenOwners = new Map<string, string>()
const TOKEN_OWNERS_MAX = 10_000

function rememberTokenOwner(tokenHash: string, ownerId: string) {
  if (tokenOwners.has(tokenHash)) return
  if (tokenOwners.size >= TOKEN_OWNERS_MAX) {
    const oldest = tokenOwners.keys().next().value
    if (oldest !== undefined) tokenOwners.delete(oldest)
  }
  tokenOwners.set(tokenHash, ownerId)
}

/** The hash of a bearer secret and the owner its token had when last authenticated here, if it was. */
export function apiTokenOwnerHint(secret: string): { tokenHash: string; ownerId: string } | null {
  if (!isTokenShaped(secret, API_TOKEN_PREFIX)) return null
  const tokenHash = hashToken(secret)
  const ownerId = tokenOwners.get(tokenHash)
  return ownerId === undefined ? null : { tokenHash, ownerId }
}

/** Seconds between two writes of a token's lastUsedAt. */
export const LAST_USED_PRECISION_SECONDS = LAST_USED_PRECISION_MS / 1000

/**
 * The account a bearer secret acts for, or null when the secret is malformed, unknown, revoked,
 * expired, or its account is disabled. One prepared statement on every authenticated API call: the
 * token and its account in one indexed join (valet_api_token_account, the one definition of a live
 * token), and lastUsedAt written in the same statement at most once a minute (the UPDATE matches
 * no row the rest of the time). Validity is judged in SQL, by the database's clock, so no
 * timestamp crosses into JavaScript.
 */
export async function authenticateApiToken(secret: string): Promise<(AccountUser & { tokenId: string }) | null> {
  if (!isTokenShaped(secret, API_TOKEN_PREFIX)) return null
  const tokenHash = hashToken(secret)
  const { rows } = await queryPrepared<AccountUser & { tokenId: string }>({
    name: "valet_authenticate_api_token",
    text: `SELECT "tokenId", id, email, name, role, valet_touch_api_token("tokenId", $2) AS touched
           FROM valet_api_token_account($1)`,
    values: [tokenHash, LAST_USED_PRECISION_SECONDS],
  })
  const row = rows[0]
  if (!row) return null
  rememberTokenOwner(tokenHash, row.id)
  return { id: row.id, email: row.email, name: row.name, role: row.role, tokenId: row.tokenId }
}
