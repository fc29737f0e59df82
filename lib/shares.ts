import { createHash, randomBytes } from "node:crypto"
import type { AuthUser } from "@/lib/auth"
import { recordAction, recordMintedKeys, type AuditActor } from "@/lib/audit"
import { getDb } from "@/lib/db"
import { getEnv } from "@/lib/env"
import { ApiError, notFound } from "@/lib/errors"
import type { Prisma } from "@/lib/generated/prisma/client"
import { hashPassword, verifyPassword } from "@/lib/passwords"
import { enforceRateLimits, RATE_LIMITS, resetRateLimit } from "@/lib/rate-limit"
import { presignGet, type PresignedRequest } from "@/lib/storage"
import type { CreateShareInput } from "@/lib/validations/shares"
import { isResourceId } from "@/lib/validations/text"

export type ShareState = "active" | "expired" | "used_up" | "revoked"

type StateFields = { revokedAt: Date | null; expiresAt: Date | null; maxDownloads: number | null; downloads: number }

/** A share as its owner sees it; never its token (only the hash is stored). */
export type ShareSummary = {
  id: string
  fileId: string | null
  fileName: string | null
  state: ShareState
  expiresAt: Date | null
  maxDownloads: number | null
  downloads: number
  hasPassword: boolean
  createdAt: Date
  revokedAt: Date | null
}

/** What the public share page may show about a link. */
export type PublicShare =
  | { state: "active"; fileName: string; size: number; expiresAt: Date | null; remainingDownloads: number | null; hasPassword: boolean }
  | { state: Exclude<ShareState, "active"> }

/** 32 random bytes: 256 bits, 43 URL-safe characters. */
const TOKEN_BYTES = 32
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/

/**
 * The stored form of a token. A plain SHA-256 is enough here (unlike passwords): a 256-bit random
 * token cannot be guessed from its hash, so a database leak does not leak working links.
 */
export const hashShareToken = (token: string) => createHash("sha256").update(token).digest("hex")

export const shareUrl = (token: string) => new URL(`/s/${token}`, getEnv().APP_URL).toString()

/**
 * The state machine of a link: revoked wins over expired, expired over used up. A state other
 * than active never goes back to active (revokedAt is never cleared, expiry and limit are fixed,
 * downloads only grow).
 */
export function shareStateOf(share: StateFields, now = new Date()): ShareState {
  if (share.revokedAt) return "revoked"
  if (share.expiresAt && share.expiresAt <= now) return "expired"
  if (share.maxDownloads !== null && share.downloads >= share.maxDownloads) return "used_up"
  return "active"
}

const GONE_MESSAGES: Record<Exclude<ShareState, "active">, string> = {
  revoked: "This link was revoked",
  expired: "This link has expired",
  used_up: "This link has reached its download limit",
}

export const shareGone = (state: Exclude<ShareState, "active">) => new ApiError(`share_${state}`, GONE_MESSAGES[state])

const linkNotFound = () => new ApiError("not_found", "This link does not exist")

/** Links that would serve a download right now: shareStateOf's "active", as a WHERE clause. */
export function activeShareWhere(now: Date): Prisma.ShareWhereInput {
  return {
    revokedAt: null,
    fileId: { not: null },
    AND: [
      { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      { OR: [{ maxDownloads: null }, { downloads: { lt: getDb().share.fields.maxDownloads } }] },
    ],
  }
}

export const SHARE_SUMMARY_SELECT = {
  id: true,
  fileId: true,
  passwordHash: true,
  expiresAt: true,
  maxDownloads: true,
  downloads: true,
  revokedAt: true,
  createdAt: true,
  file: { select: { name: true } },
} as const

type SummaryRow = Prisma.ShareGetPayload<{ select: typeof SHARE_SUMMARY_SELECT }>

/** What owners and admins see of a link. A link whose file was deleted reads as revoked. */
export function toShareSummary(share: SummaryRow, now = new Date()): ShareSummary {
  return {
    id: share.id,
    fileId: share.fileId,
    fileName: share.file?.name ?? null,
    state: share.fileId === null ? "revoked" : shareStateOf(share, now),
    expiresAt: share.expiresAt,
    maxDownloads: share.maxDownloads,
    downloads: share.downloads,
    hasPassword: share.passwordHash !== null,
    createdAt: share.createdAt,
    revokedAt: share.revokedAt,
  }
}

/** When a new link stops working: the requested lifetime, the default, or never, within the cap. */
function expiryFor(expiresIn: number | null | undefined, now: Date): Date | null {
  const env = getEnv()
  const max = env.SHARE_MAX_EXPIRY_SECONDS
  if (expiresIn === null) {
    if (max !== undefined) throw new ApiError("share_expiry_too_long", `Links must expire within ${max} seconds on this server`)
    return null
  }
  if (expiresIn !== undefined && max !== undefined && expiresIn > max) {
    throw new ApiError("share_expiry_too_long", `Links must expire within ${max} seconds on this server`)
  }
  const seconds = expiresIn ?? Math.min(env.SHARE_DEFAULT_EXPIRY_SECONDS, max ?? Number.POSITIVE_INFINITY)
  return new Date(now.getTime() + seconds * 1000)
}

/** Creates a link to one of the user's files. The URL (with the token) is returned only here, once. */
export async function createShare(user: AuthUser, fileId: string, input: CreateShareInput): Promise<ShareSummary & { url: string }> {
  const now = new Date()
  const expiresAt = expiryFor(input.expiresIn, now)
  if (!isResourceId(fileId)) throw notFound("File")
  const db = getDb()
  const file = await db.file.findFirst({ where: { id: fileId, ownerId: user.id }, select: { id: true, name: true } })
  if (!file) throw notFound("File")
  const token = randomBytes(TOKEN_BYTES).toString("base64url")
  const share = await db.share.create({
    data: {
      ownerId: user.id,
      fileId: file.id,
      tokenHash: hashShareToken(token),
      passwordHash: input.password ? await hashPassword(input.password) : null,
      expiresAt,
      maxDownloads: input.maxDownloads ?? null,
    },
    select: SHARE_SUMMARY_SELECT,
  })
  await recordAction(
    { id: user.id, via: user.via },
    {
      action: "share.create",
      fileId: file.id,
      details: { shareId: share.id, fileName: file.name, expiresAt: expiresAt?.toISOString() ?? null, maxDownloads: input.maxDownloads ?? null, password: Boolean(input.password) },
    },
  )
  return { ...toShareSummary(share, now), url: shareUrl(token) }
}

/** The user's links, newest first, optionally for one file; links of deleted files stay listed as revoked. */
export async function listShares(user: AuthUser, filter: { fileId?: string } = {}): Promise<ShareSummary[]> {
  const db = getDb()
  // One file's links: the file must be the caller's, or the answer is a 404 like everywhere else
  // (an empty list would be the same for "not yours" and "no links", but not for "no such file").
  if (filter.fileId !== undefined && (!isResourceId(filter.fileId) || !(await db.file.findFirst({ where: { id: filter.fileId, ownerId: user.id }, select: { id: true } })))) {
    throw notFound("File")
  }
  const shares = await db.share.findMany({
    where: { ownerId: user.id, ...(filter.fileId ? { fileId: filter.fileId } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 500,
    select: SHARE_SUMMARY_SELECT,
  })
  const now = new Date()
  return shares.map((share) => toShareSummary(share, now))
}

/**
 * Revokes a link: its owner's, or any for an admin. Takes effect on the next request, since every
 * download goes through redeemShare. Revoking twice is a no-op; the first revocation gets an audit
 * row saying who did it.
 */
export async function revokeShare(user: AuthUser, shareId: string): Promise<void> {
  if (!isResourceId(shareId)) throw notFound("Share")
  const db = getDb()
  const share = await db.share.findFirst({
    where: user.role === "ADMIN" ? { id: shareId } : { id: shareId, ownerId: user.id },
    select: { id: true, ownerId: true, fileId: true },
  })
  if (!share) throw notFound("Share")
  await db.$transaction(async (tx) => {
    const { count } = await tx.share.updateMany({
      where: { id: share.id, revokedAt: null },
      data: { revokedAt: new Date(), revokedById: user.id },
    })
    if (count === 0) return
    await recordAction(
      { id: user.id, via: user.via },
      { action: "share.revoke", fileId: share.fileId ?? undefined, details: { shareId: share.id, ownerId: share.ownerId } },
      tx,
    )
  })
}

async function findShareByToken(token: string) {
  // A malformed token cannot match anything; no need to ask the database.
  if (!TOKEN_PATTERN.test(token)) return null
  return getDb().share.findUnique({
    where: { tokenHash: hashShareToken(token) },
    select: {
      id: true,
      passwordHash: true,
      expiresAt: true,
      maxDownloads: true,
      downloads: true,
      revokedAt: true,
      file: { select: { id: true, name: true, size: true, objectKey: true } },
    },
  })
}

/** What an anonymous visitor of `/s/:token` may learn, or null for an unknown link. */
export async function describeShare(token: string): Promise<PublicShare | null> {
  const share = await findShareByToken(token)
  if (!share) return null
  if (!share.file) return { state: "revoked" }
  const state = shareStateOf(share)
  if (state !== "active") return { state }
  return {
    state,
    fileName: share.file.name,
    size: Number(share.file.size),
    expiresAt: share.expiresAt,
    remainingDownloads: share.maxDownloads === null ? null : share.maxDownloads - share.downloads,
    hasPassword: share.passwordHash !== null,
  }
}

/**
 * A download through a link (DESIGN §3.7): checks the link and its password, counts the download
 * with one conditional UPDATE, and only then mints a fresh short GET for the object. 404 unknown,
 * 410 revoked/expired/used up, 401 missing or wrong password, 429 too many wrong passwords.
 */
export async function redeemShare(input: { token: string; password?: string; ip: string }): Promise<PresignedRequest> {
  const share = await findShareByToken(input.token)
  if (!share) throw linkNotFound()
  const file = share.file
  // A deleted file's links were revoked with it; the null check is for the type as much as that.
  if (!file) throw shareGone("revoked")
  const state = shareStateOf(share)
  if (state !== "active") throw shareGone(state)

  if (share.passwordHash) {
    if (!input.password) throw new ApiError("password_required", "This link needs a password")
    const perShareKey = `share-password:${share.id}:ip:${input.ip}`
    // Counted before the check so a guesser is stopped at the limit whatever it guesses.
    await enforceRateLimits(
      [
        { key: perShareKey, ...RATE_LIMITS.linkPasswordPerLinkAndIp },
        { key: `share-password:ip:${input.ip}`, ...RATE_LIMITS.linkPasswordPerIp },
      ],
      "Too many password attempts",
    )
    if (!(await verifyPassword(share.passwordHash, input.password))) throw new ApiError("wrong_password", "The password is not right")
    await resetRateLimit(perShareKey)
  }

  const db = getDb()
  const now = new Date()
  // The count is taken by one conditional UPDATE: PostgreSQL re-checks the WHERE clause on the
  // row it locks, so under any concurrency a limit of 5 admits exactly 5 (DESIGN §3.7).
  const { count } = await db.share.updateMany({
    where: { id: share.id, ...activeShareWhere(now) },
    data: { downloads: { increment: 1 } },
  })
  if (count === 0) {
    // Something changed since the read (revoked, expired or the last download went to another request).
    const current = await db.share.findUnique({
      where: { id: share.id },
      select: { revokedAt: true, expiresAt: true, maxDownloads: true, downloads: true, fileId: true },
    })
    const latest = current?.fileId ? shareStateOf(current) : "revoked"
    throw shareGone(latest === "active" ? "used_up" : latest)
  }

  const get = await presignGet({ key: file.objectKey, filename: file.name })
  const actor: AuditActor = { id: null, via: "share" }
  await recordMintedKeys(actor, [
    { action: "share.download", method: "GET", objectKey: file.objectKey, expiresAt: get.expiresAt, fileId: file.id, details: { shareId: share.id } },
  ])
  return get
}
