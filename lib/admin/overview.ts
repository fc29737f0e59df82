import { getDb } from "@/lib/db"
import { activeShareWhere } from "@/lib/share-state"
import type { Overview } from "@/lib/shared/wire/admin"

export const OVERVIEW_DAYS = 14

export type { Overview }

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
