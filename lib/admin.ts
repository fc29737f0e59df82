import { accountPolicyFromEnv, registerUser, type AccountUser } from "@/lib/accounts"
import type { AuthUser } from "@/lib/auth"
import { recordAction, recordAdminAction } from "@/lib/audit"
import { getDb } from "@/lib/db"
import { getEnv } from "@/lib/env"
import { ApiError, notFound } from "@/lib/errors"
import type { Prisma } from "@/lib/generated/prisma/client"
import { activeShareWhere, SHARE_SUMMARY_SELECT, toShareSummary, type ShareState, type ShareSummary } from "@/lib/shares"
import type { RegisterInput } from "@/lib/validations/auth"
import {
  AUDIT_CSV_MAX_ROWS,
  type AdminAuditQuery,
  type AdminFilesQuery,
  type AdminSharesQuery,
  type AdminUpdateUserInput,
} from "@/lib/validations/admin"
import { isResourceId } from "@/lib/validations/text"

type Page = { cursor?: string; limit: number }

/** Prisma's cursor paging: one row more than asked tells whether there is a next page. */
function pageOf<T extends { id: string }>(rows: T[], limit: number): { rows: T[]; nextCursor: string | null } {
  const shown = rows.slice(0, limit)
  return { rows: shown, nextCursor: rows.length > limit ? (shown.at(-1)?.id ?? null) : null }
}

const cursorArgs = (page: Page) => ({ take: page.limit + 1, ...(page.cursor ? { cursor: { id: page.cursor }, skip: 1 } : {}) })

/** Each state of shareStateOf as SQL, in the same precedence: revoked, then expired, then used up. */
function shareStateWhere(state: ShareState, now: Date): Prisma.ShareWhereInput {
  const db = getDb()
  switch (state) {
    case "active":
      return activeShareWhere(now)
    // A deleted file's links were revoked with it; a link holding no file is the same state.
    case "revoked":
      return { OR: [{ revokedAt: { not: null } }, { files: { none: {} } }] }
    case "expired":
      return { revokedAt: null, files: { some: {} }, expiresAt: { lte: now } }
    case "used_up":
      return {
        revokedAt: null,
        files: { some: {} },
        OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
        maxDownloads: { not: null },
        downloads: { gte: db.share.fields.maxDownloads },
      }
  }
}

const contains = (text: string) => ({ contains: text, mode: "insensitive" as const })

// ---------------------------------------------------------------- users

export type AdminUserRow = {
  id: string
  email: string
  name: string | null
  role: "USER" | "ADMIN"
  disabled: boolean
  createdAt: Date
  files: number
  usedBytes: number
  /** The effective allowance: the user's own, or the server default. */
  quotaBytes: number
  hasCustomQuota: boolean
  activeShares: number
  twoFactorEnabled: boolean
}

/** Every account, oldest first (the first admin on top), with what it stores and shares. */
export async function listUsers(page: Page & { q?: string }): Promise<{ users: AdminUserRow[]; nextCursor: string | null }> {
  const db = getDb()
  const now = new Date()
  const rows = await db.user.findMany({
    where: page.q ? { OR: [{ email: contains(page.q) }, { name: contains(page.q) }] } : {},
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    ...cursorArgs(page),
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      disabledAt: true,
      createdAt: true,
      quotaBytes: true,
      totpEnabledAt: true,
      _count: { select: { files: true, shares: { where: activeShareWhere(now) } } },
    },
  })
  const { rows: shown, nextCursor } = pageOf(rows, page.limit)
  const usage = await db.file.groupBy({ by: ["ownerId"], where: { ownerId: { in: shown.map((user) => user.id) } }, _sum: { size: true } })
  const usedBy = new Map(usage.map((entry) => [entry.ownerId, Number(entry._sum.size ?? 0n)]))
  const defaultQuota = getEnv().USER_QUOTA_BYTES
  return {
    users: shown.map((user) => ({
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      disabled: user.disabledAt !== null,
      createdAt: user.createdAt,
      files: user._count.files,
      usedBytes: usedBy.get(user.id) ?? 0,
      quotaBytes: user.quotaBytes === null ? defaultQuota : Number(user.quotaBytes),
      hasCustomQuota: user.quotaBytes !== null,
      activeShares: user._count.shares,
      twoFactorEnabled: user.totpEnabledAt !== null,
    })),
    nextCursor,
  }
}

// pg_advisory_xact_lock key for "who are the admins": two admins demoting each other at the same
// moment must not both see the other one still active and leave nobody in charge.
const ADMIN_SET_LOCK = 72707371

/**
 * Changes an account. Disabling revokes every share and API token of the user in the same
 * transaction; their sessions stop at their next request because requireUser re-reads the
 * account. The last active admin can be neither demoted nor disabled (409).
 */
export async function updateUser(admin: AuthUser, userId: string, input: AdminUpdateUserInput): Promise<void> {
  if (!isResourceId(userId)) throw notFound("User")
  const db = getDb()
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_SET_LOCK})`
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, role: true, disabledAt: true } })
    if (!user) throw notFound("User")

    const losesAdmin = user.role === "ADMIN" && user.disabledAt === null && (input.role === "USER" || input.disabled === true)
    if (losesAdmin) {
      const otherAdmins = await tx.user.count({ where: { role: "ADMIN", disabledAt: null, id: { not: user.id } } })
      if (otherAdmins === 0) {
        throw new ApiError("last_admin", "This is the last active administrator; promote someone else first")
      }
    }

    const now = new Date()
    const disabling = input.disabled === true && user.disabledAt === null
    await tx.user.update({
      where: { id: user.id },
      data: {
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.quotaBytes !== undefined ? { quotaBytes: input.quotaBytes === null ? null : BigInt(input.quotaBytes) } : {}),
        ...(input.disabled === true && user.disabledAt === null ? { disabledAt: now } : {}),
        ...(input.disabled === false ? { disabledAt: null } : {}),
      },
    })
    let revokedShares = 0
    let revokedTokens = 0
    if (disabling) {
      // Re-enabling later does not bring these back: links and tokens were handed to others,
      // and the owner should mint new ones knowingly.
      revokedShares = (await tx.share.updateMany({ where: { ownerId: user.id, revokedAt: null }, data: { revokedAt: now, revokedById: admin.id } }))
        .count
      revokedTokens = (await tx.apiToken.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: now } })).count
    }
    await recordAdminAction(
      admin,
      {
        action: "admin.user.update",
        details: {
          userId: user.id,
          email: user.email,
          changes: { ...input },
          ...(disabling ? { revokedShares, revokedTokens } : {}),
        },
      },
      tx,
    )
  })
}

/** Creates an account on an admin's behalf, also while self-registration is closed. */
export async function createUser(admin: AuthUser, input: RegisterInput): Promise<AccountUser> {
  const user = await registerUser(input, accountPolicyFromEnv(), { allowWhenClosed: true })
  await recordAdminAction(admin, { action: "admin.user.create", details: { userId: user.id, email: user.email, role: user.role } })
  return user
}

// ---------------------------------------------------------------- shares

export type AdminShareRow = ShareSummary & { owner: { id: string; email: string } }

/** Every share of every user, newest first, filtered by state, owner email and file name. */
export async function listAllShares(query: AdminSharesQuery): Promise<{ shares: AdminShareRow[]; nextCursor: string | null }> {
  const now = new Date()
  const rows = await getDb().share.findMany({
    where: {
      AND: [
        query.state ? shareStateWhere(query.state, now) : {},
        query.owner ? { owner: { email: contains(query.owner) } } : {},
        query.q ? { files: { some: { file: { name: contains(query.q) } } } } : {},
      ],
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    ...cursorArgs(query),
    select: { ...SHARE_SUMMARY_SELECT, owner: { select: { id: true, email: true } } },
  })
  const { rows: shown, nextCursor } = pageOf(rows, query.limit)
  return {
    shares: shown.map((share): AdminShareRow => ({ ...toShareSummary(share, now), owner: share.owner })),
    nextCursor,
  }
}

/**
 * Revokes many links at once, all or nothing: an unknown id is a 404 and nothing is revoked.
 * Links already revoked are skipped; each newly revoked one gets its own "share.revoke" row, as
 * with revokeShare. Returns how many were newly revoked.
 */
export async function revokeShares(admin: AuthUser, shareIds: string[]): Promise<number> {
  const ids = [...new Set(shareIds)]
  return getDb().$transaction(async (tx) => {
    const found = await tx.share.findMany({ where: { id: { in: ids } }, select: { id: true, ownerId: true, revokedAt: true } })
    if (found.length !== ids.length) throw notFound("Share")
    const now = new Date()
    const pending = found.filter((share) => share.revokedAt === null)
    // The conditional update decides which are newly revoked, should an owner revoke one meanwhile.
    const { count } = await tx.share.updateMany({ where: { id: { in: pending.map((share) => share.id) }, revokedAt: null }, data: { revokedAt: now, revokedById: admin.id } })
    for (const share of pending) {
      await recordAction(
        { id: admin.id, via: admin.via },
        { action: "share.revoke", details: { shareId: share.id, ownerId: share.ownerId, bulk: true } },
        tx,
      )
    }
    return count
  })
}

// ---------------------------------------------------------------- files

export type AdminFileRow = {
  id: string
  name: string
  size: number
  type: string
  createdAt: Date
  owner: { id: string; email: string }
  activeShares: number
}

/** Every file of every user, newest first, filtered by owner email, name and size range. */
export async function listAllFiles(query: AdminFilesQuery): Promise<{ files: AdminFileRow[]; nextCursor: string | null }> {
  const now = new Date()
  const size = {
    ...(query.minSize !== undefined ? { gte: BigInt(query.minSize) } : {}),
    ...(query.maxSize !== undefined ? { lte: BigInt(query.maxSize) } : {}),
  }
  const rows = await getDb().file.findMany({
    where: {
      ...(query.owner ? { owner: { email: contains(query.owner) } } : {}),
      ...(query.q ? { name: contains(query.q) } : {}),
      ...(Object.keys(size).length > 0 ? { size } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    ...cursorArgs(query),
    select: {
      id: true,
      name: true,
      size: true,
      contentType: true,
      createdAt: true,
      owner: { select: { id: true, email: true } },
      _count: { select: { shares: { where: { share: activeShareWhere(now) } } } },
    },
  })
  const { rows: shown, nextCursor } = pageOf(rows, query.limit)
  return {
    files: shown.map((file) => ({
      id: file.id,
      name: file.name,
      size: Number(file.size),
      type: file.contentType,
      createdAt: file.createdAt,
      owner: file.owner,
      activeShares: file._count.shares,
    })),
    nextCursor,
  }
}

// ---------------------------------------------------------------- audit

export type AuditRow = {
  id: string
  createdAt: Date
  action: string
  actor: { id: string; email: string } | null
  via: string | null
  method: string | null
  objectKey: string | null
  expiresAt: Date | null
  uploadId: string | null
  fileId: string | null
  details: Prisma.JsonValue
}

function auditWhere(query: AdminAuditQuery): Prisma.AuditEventWhereInput {
  const user = query.user
  return {
    AND: [
      user ? (user.includes("@") ? { actor: { email: user.toLowerCase() } } : { actorId: user }) : {},
      // "upload" means the family (upload.put, upload.part); "upload.put" means exactly that.
      query.action ? { OR: [{ action: query.action }, { action: { startsWith: `${query.action}.` } }] } : {},
      query.from ? { createdAt: { gte: query.from } } : {},
      query.to ? { createdAt: { lte: query.to } } : {},
    ],
  }
}

const AUDIT_SELECT = {
  id: true,
  createdAt: true,
  action: true,
  via: true,
  method: true,
  objectKey: true,
  expiresAt: true,
  uploadId: true,
  fileId: true,
  details: true,
  actor: { select: { id: true, email: true } },
} as const

/** Audit events, newest first, a page at a time. */
export async function listAuditEvents(query: AdminAuditQuery): Promise<{ events: AuditRow[]; nextCursor: string | null }> {
  const rows = await getDb().auditEvent.findMany({
    where: auditWhere(query),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    ...cursorArgs(query),
    select: AUDIT_SELECT,
  })
  const { rows: shown, nextCursor } = pageOf(rows, query.limit)
  return { events: shown, nextCursor }
}

const CSV_COLUMNS = ["time", "action", "actor", "actor_id", "via", "method", "object_key", "key_expires_at", "upload_id", "file_id", "details"] as const

/**
 * One CSV field (RFC 4180). A leading = + - @ or tab would make a spreadsheet run the cell as a
 * formula, and file names and emails are user input: such cells are prefixed with a quote.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** The filtered audit log as CSV, newest first, at most AUDIT_CSV_MAX_ROWS rows. */
export async function exportAuditCsv(query: AdminAuditQuery): Promise<string> {
  const lines = [CSV_COLUMNS.join(",")]
  let cursor: string | undefined
  const batch = 1000
  while (lines.length - 1 < AUDIT_CSV_MAX_ROWS) {
    const { events, nextCursor } = await listAuditEvents({ ...query, cursor, limit: Math.min(batch, AUDIT_CSV_MAX_ROWS - (lines.length - 1)) })
    for (const event of events) {
      lines.push(
        [
          event.createdAt.toISOString(),
          event.action,
          event.actor?.email ?? "",
          event.actor?.id ?? "",
          event.via ?? "",
          event.method ?? "",
          event.objectKey ?? "",
          event.expiresAt?.toISOString() ?? "",
          event.uploadId ?? "",
          event.fileId ?? "",
          event.details === null ? "" : JSON.stringify(event.details),
        ]
          .map(csvField)
          .join(","),
      )
    }
    if (!nextCursor) break
    cursor = nextCursor
  }
  return `${lines.join("\r\n")}\r\n`
}

// ---------------------------------------------------------------- overview

export const OVERVIEW_DAYS = 14

export type Overview = {
  users: number
  disabledUsers: number
  files: number
  bytesStored: number
  activeShares: number
  keysMinted24h: number
  /** One entry per UTC day, oldest first, the last being today. */
  days: { day: string; uploads: number; downloads: number }[]
}

/** The numbers on top of the console and the uploads/downloads per day for its chart. */
export async function getOverview(now = new Date()): Promise<Overview> {
  const db = getDb()
  const since = new Date(now.getTime() - 24 * 60 * 60 * 1000)
  const firstDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (OVERVIEW_DAYS - 1)))
  const [users, disabledUsers, files, activeShares, keysMinted24h, uploadsPerDay, downloadsPerDay] = await Promise.all([
    db.user.count(),
    db.user.count({ where: { disabledAt: { not: null } } }),
    db.file.aggregate({ _count: { _all: true }, _sum: { size: true } }),
    db.share.count({ where: activeShareWhere(now) }),
    // A row with a method is a minted key; admin actions and revocations have none.
    db.auditEvent.count({ where: { method: { not: null }, createdAt: { gte: since } } }),
    // Timestamps are stored as UTC without a zone, so the day is read straight off them.
    db.$queryRaw<{ day: string; count: bigint }[]>`
      SELECT to_char("createdAt", 'YYYY-MM-DD') AS day, count(*) AS count
      FROM "File" WHERE "createdAt" >= ${firstDay} GROUP BY 1`,
    db.$queryRaw<{ day: string; count: bigint }[]>`
      SELECT to_char("createdAt", 'YYYY-MM-DD') AS day, count(*) AS count
      FROM "AuditEvent" WHERE "createdAt" >= ${firstDay} AND action IN ('download.get', 'share.download') GROUP BY 1`,
  ])
  const key = (date: Date) => date.toISOString().slice(0, 10)
  const uploads = new Map(uploadsPerDay.map((row) => [row.day, Number(row.count)]))
  const downloads = new Map(downloadsPerDay.map((row) => [row.day, Number(row.count)]))
  const days = Array.from({ length: OVERVIEW_DAYS }, (_, index) => {
    const day = key(new Date(firstDay.getTime() + index * 86_400_000))
    return { day, uploads: uploads.get(day) ?? 0, downloads: downloads.get(day) ?? 0 }
  })
  return {
    users,
    disabledUsers,
    files: files._count._all,
    bytesStored: Number(files._sum.size ?? 0n),
    activeShares,
    keysMinted24h,
    days,
  }
}
