import type { AuthUser } from "@/lib/auth"
import { recordAction } from "@/lib/audit"
import { getDb } from "@/lib/db"
import { notFound } from "@/lib/errors"
import { shareStateWhere } from "@/lib/share-state"
import { SHARE_SUMMARY_SELECT, toShareSummary } from "@/lib/shares"
import type { AdminSharesQuery } from "@/lib/shared/validations/admin"
import { contains, cursorArgs, pageOf } from "@/lib/admin/paging"
import type { AdminShareRow } from "@/lib/shared/wire/admin"

export type { AdminShareRow }

/** Every share of every user, newest first, filtered by state, owner email and file name. */
export async function listAllShares(
  query: AdminSharesQuery,
): Promise<{ shares: AdminShareRow[]; nextCursor: string | null }> {
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
    const found = await tx.share.findMany({
      where: { id: { in: ids } },
      select: { id: true, ownerId: true, revokedAt: true },
    })
    if (found.length !== ids.length) throw notFound("Share")
    const now = new Date()
    const pending = found.filter((share) => share.revokedAt === null)
    // The conditional update decides which are newly revoked, should an owner revoke one meanwhile.
    const { count } = await tx.share.updateMany({
      where: { id: { in: pending.map((share) => share.id) }, revokedAt: null },
      data: { revokedAt: now, revokedById: admin.id },
    })
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
