import { createHash, randomBytes } from "node:crypto"
import { ApiError } from "@/lib/errors"
import type { AccountTokenPurpose, Prisma } from "@/lib/generated/prisma/client"

/** How long each kind of mailed link works. */
export const LINK_TOKEN_TTL_SECONDS: Record<AccountTokenPurpose, number> = {
  RESET_PASSWORD: 30 * 60,
  VERIFY_EMAIL: 24 * 60 * 60,
  CHANGE_EMAIL: 24 * 60 * 60,
  INVITE: 7 * 24 * 60 * 60,
}

// 32 random bytes: 256 bits, so a fast hash is enough (nothing to brute-force) and a stolen table
// holds no usable link.
const LINK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/
const hashLinkToken = (token: string) => createHash("sha256").update(token).digest("hex")

type Db = Pick<Prisma.TransactionClient, "accountToken">

/**
 * Mints a single-use token for a mailed link and forgets the user's earlier unused ones of the same
 * purpose (only the newest link works). Returns the secret, which is never stored.
 */
export async function mintLinkToken(
  db: Db,
  input: { userId: string; purpose: AccountTokenPurpose; email: string },
): Promise<string> {
  const token = randomBytes(32).toString("base64url")
  await db.accountToken.deleteMany({ where: { userId: input.userId, purpose: input.purpose, usedAt: null } })
  await db.accountToken.create({
    data: {
      ...input,
      tokenHash: hashLinkToken(token),
      expiresAt: new Date(Date.now() + LINK_TOKEN_TTL_SECONDS[input.purpose] * 1000),
    },
  })
  return token
}

const invalidLinkToken = () =>
  new ApiError("invalid_link_token", "This link is invalid, has expired or was already used; ask for a new one")

/**
 * Spends a token: one conditional update, so two concurrent uses cannot both succeed. Throws
 * 400 `invalid_link_token` for an unknown, tampered, expired, used or other-purpose token.
 */
export async function consumeLinkToken(
  db: Db,
  token: string,
  purpose: AccountTokenPurpose,
): Promise<{ userId: string; email: string }> {
  if (!LINK_TOKEN_PATTERN.test(token)) throw invalidLinkToken()
  const tokenHash = hashLinkToken(token)
  const now = new Date()
  const { count } = await db.accountToken.updateMany({
    where: { tokenHash, purpose, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  })
  if (count !== 1) throw invalidLinkToken()
  const row = await db.accountToken.findUnique({ where: { tokenHash }, select: { userId: true, email: true } })
  if (!row) throw invalidLinkToken()
  return row
}

/** Drops tokens that can no longer be used (the reaper's job). */
export async function pruneLinkTokens(db: Db): Promise<number> {
  const { count } = await db.accountToken.deleteMany({
    where: { expiresAt: { lt: new Date(Date.now() - 24 * 60 * 60 * 1000) } },
  })
  return count
}
