/** Links as their owner sees them: create (one or many files), edit, list, detail with its access log, revoke. */
import type { AuthUser } from "@/lib/auth"
import { recordAction } from "@/lib/audit"
import { getDb } from "@/lib/db"
import { getEnv } from "@/lib/env"
import { ApiError, notFound } from "@/lib/errors"
import type { Prisma, ShareEventKind } from "@/lib/generated/prisma/client"
import { onShareCreated, onShareRevoked } from "@/lib/notifications"
import { hashPassword } from "@/lib/passwords"
import type { CreateShareInput, UpdateShareInput } from "@/lib/shared/validations/shares"
import { isResourceId } from "@/lib/shared/validations/text"
import { activeShareWhere, shareStateOf } from "@/lib/share-state"
import type { ShareFileSummary, ShareSummary } from "@/lib/shared/wire/shares"
import { hashToken, mintToken } from "@/lib/tokens"
import { sealShareToken, shareUrl, unsealShareUrl } from "@/lib/shares/links"

const SHARE_FILES_SELECT = {
  orderBy: { position: "asc" },
  select: { file: { select: { id: true, name: true, size: true, contentType: true } } },
} as const

export const SHARE_SUMMARY_SELECT = {
  id: true,
  title: true,
  message: true,
  passwordHash: true,
  expiresAt: true,
  maxDownloads: true,
  downloads: true,
  revokedAt: true,
  createdAt: true,
  files: SHARE_FILES_SELECT,
} as const

type SummaryRow = Prisma.ShareGetPayload<{ select: typeof SHARE_SUMMARY_SELECT }>

type FileRow = { file: { id: string; name: string; size: bigint; contentType: string } }

export const toFileSummaries = (rows: FileRow[]): ShareFileSummary[] =>
  rows.map(({ file }) => ({ id: file.id, name: file.name, size: Number(file.size), type: file.contentType }))

/** What owners and admins see of a link. A link that holds no file any more reads as revoked. */
export function toShareSummary(share: SummaryRow, now = new Date()): ShareSummary {
  const files = toFileSummaries(share.files)
  return {
    id: share.id,
    title: share.title,
    message: share.message,
    fileId: files[0]?.id ?? null,
    fileName: files[0]?.name ?? null,
    files,
    totalSize: files.reduce((sum, file) => sum + file.size, 0),
    state: files.length === 0 ? "revoked" : shareStateOf(share, now),
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
    if (max !== undefined)
      throw new ApiError("share_expiry_too_long", `Links must expire within ${max} seconds on this server`)
    return null
  }
  if (expiresIn !== undefined && max !== undefined && expiresIn > max) {
    throw new ApiError("share_expiry_too_long", `Links must expire within ${max} seconds on this server`)
  }
  const seconds = expiresIn ?? Math.min(env.SHARE_DEFAULT_EXPIRY_SECONDS, max ?? Number.POSITIVE_INFINITY)
  return new Date(now.getTime() + seconds * 1000)
}

/**
 * Creates a link to 1..500 of the user's files, in the order given. Every id must be the caller's
 * file, else 404 and nothing is created. The URL (with the token) is returned only here, once.
 */
export async function createShare(
  user: AuthUser,
  input: CreateShareInput & { fileIds: string[]; title?: string; message?: string },
): Promise<ShareSummary & { url: string }> {
  const now = new Date()
  const expiresAt = expiryFor(input.expiresIn, now)
  const fileIds = [...new Set(input.fileIds)]
  if (fileIds.length === 0 || !fileIds.every(isResourceId)) throw notFound("File")
  const db = getDb()
  const owned = await db.file.findMany({
    where: { id: { in: fileIds }, ownerId: user.id },
    select: { id: true, name: true },
  })
  if (owned.length !== fileIds.length) throw notFound("File")
  const firstName = owned.find((file) => file.id === fileIds[0])?.name
  const token = mintToken()
  const passwordHash = input.password ? await hashPassword(input.password) : null
  const share = await db.$transaction(async (tx) => {
    const created = await tx.share.create({
      data: {
        ownerId: user.id,
        title: input.title ?? null,
        message: input.message ?? null,
        tokenHash: hashToken(token),
        tokenSealed: sealShareToken(token),
        passwordHash,
        expiresAt,
        maxDownloads: input.maxDownloads ?? null,
        // A file deleted between the count and here fails the foreign key: the transaction rolls back.
        files: { create: fileIds.map((fileId, position) => ({ fileId, position })) },
      },
      select: SHARE_SUMMARY_SELECT,
    })
    await recordAction(
      { id: user.id, via: user.via },
      {
        action: "share.create",
        fileId: fileIds[0],
        details: {
          shareId: created.id,
          files: fileIds.length,
          fileName: firstName ?? null,
          expiresAt: expiresAt?.toISOString() ?? null,
          maxDownloads: input.maxDownloads ?? null,
          password: Boolean(input.password),
        },
      },
      tx,
    )
    await onShareCreated(tx, user.id, { ...created, files: toFileSummaries(created.files) })
    return created
  })
  return { ...toShareSummary(share, now), url: shareUrl(token) }
}

/** The share an owner (or any, for an admin) may manage, or a 404. */
async function findManagedShare(user: AuthUser, shareId: string) {
  if (!isResourceId(shareId)) throw notFound("Share")
  const share = await getDb().share.findFirst({
    where: user.role === "ADMIN" ? { id: shareId } : { id: shareId, ownerId: user.id },
    select: { id: true, ownerId: true, createdAt: true },
  })
  if (!share) throw notFound("Share")
  return share
}

/**
 * Edits a live link: title, message, expiry (counted from now, as at creation), download limit
 * and password (null removes it). A revoked, expired or used-up link cannot be edited back to life
 * (409 share_not_active); lowering the limit below the downloads already made uses the link up.
 */
export async function updateShare(user: AuthUser, shareId: string, input: UpdateShareInput): Promise<ShareSummary> {
  const found = await findManagedShare(user, shareId)
  const now = new Date()
  const db = getDb()
  const data: Prisma.ShareUpdateManyMutationInput = {}
  if (input.title !== undefined) data.title = input.title
  if (input.message !== undefined) data.message = input.message
  if (input.expiresIn !== undefined) data.expiresAt = expiryFor(input.expiresIn, now)
  if (input.maxDownloads !== undefined) data.maxDownloads = input.maxDownloads
  if (input.password !== undefined)
    data.passwordHash = input.password === null ? null : await hashPassword(input.password)
  // Conditional on the link being active, so an edit racing a revocation cannot revive it.
  const { count } = await db.share.updateMany({ where: { id: found.id, ...activeShareWhere(now) }, data })
  if (count === 0) throw new ApiError("share_not_active", "Only a live link can be edited")
  await recordAction(
    { id: user.id, via: user.via },
    { action: "share.update", details: { shareId: found.id, ownerId: found.ownerId, fields: Object.keys(data) } },
  )
  const share = await db.share.findUniqueOrThrow({ where: { id: found.id }, select: SHARE_SUMMARY_SELECT })
  return toShareSummary(share, now)
}

export type ShareEventRow = {
  id: string
  at: Date
  kind: ShareEventKind
  fileId: string | null
  ip: string
  userAgent: string | null
}

/** A link with a page of its access log, newest first. */
export async function getShareDetail(
  user: AuthUser,
  shareId: string,
  page: { cursor?: string; limit: number },
): Promise<{ share: ShareSummary & { url: string | null }; events: ShareEventRow[]; nextCursor: string | null }> {
  const found = await findManagedShare(user, shareId)
  const db = getDb()
  const [share, rows] = await Promise.all([
    db.share.findUniqueOrThrow({
      where: { id: found.id },
      select: { ...SHARE_SUMMARY_SELECT, ownerId: true, tokenSealed: true },
    }),
    db.shareEvent.findMany({
      where: { shareId: found.id },
      orderBy: [{ at: "desc" }, { id: "desc" }],
      take: page.limit + 1,
      ...(page.cursor ? { cursor: { id: page.cursor }, skip: 1 } : {}),
      select: { id: true, at: true, kind: true, fileId: true, ip: true, userAgent: true },
    }),
  ])
  const events = rows.slice(0, page.limit)
  const { ownerId, tokenSealed, ...summary } = share
  const url = ownerId === user.id ? unsealShareUrl(tokenSealed) : null
  return {
    share: { ...toShareSummary(summary), url },
    events,
    nextCursor: rows.length > page.limit ? (events.at(-1)?.id ?? null) : null,
  }
}

/** The user's links, newest first, optionally for one file; links of deleted files stay listed as revoked. */
export async function listShares(
  user: AuthUser,
  filter: { fileId?: string } = {},
): Promise<(ShareSummary & { url: string | null })[]> {
  const db = getDb()
  // One file's links: the file must be the caller's, or the answer is a 404 like everywhere else
  // (an empty list would be the same for "not yours" and "no links", but not for "no such file").
  if (
    filter.fileId !== undefined &&
    (!isResourceId(filter.fileId) ||
      !(await db.file.findFirst({ where: { id: filter.fileId, ownerId: user.id }, select: { id: true } })))
  ) {
    throw notFound("File")
  }
  const shares = await db.share.findMany({
    where: { ownerId: user.id, ...(filter.fileId ? { files: { some: { fileId: filter.fileId } } } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 500,
    select: { ...SHARE_SUMMARY_SELECT, tokenSealed: true },
  })
  const now = new Date()
  // Only the owner gets the link again (this list is the owner's own); admins manage, not share.
  return shares.map(({ tokenSealed, ...share }) => ({
    ...toShareSummary(share, now),
    url: unsealShareUrl(tokenSealed),
  }))
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
    select: { id: true, ownerId: true, files: { take: 1, orderBy: { position: "asc" }, select: { fileId: true } } },
  })
  if (!share) throw notFound("Share")
  const fileId = share.files[0]?.fileId
  await db.$transaction(async (tx) => {
    const { count } = await tx.share.updateMany({
      where: { id: share.id, revokedAt: null },
      data: { revokedAt: new Date(), revokedById: user.id },
    })
    if (count === 0) return
    await recordAction(
      { id: user.id, via: user.via },
      { action: "share.revoke", fileId, details: { shareId: share.id, ownerId: share.ownerId } },
      tx,
    )
    await onShareRevoked(tx, share.ownerId, share.id, share.ownerId === user.id ? "owner" : "admin")
  })
}
