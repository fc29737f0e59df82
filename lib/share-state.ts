import { getDb } from "@/lib/db"
import type { Prisma } from "@/lib/generated/prisma/client"
import type { ShareState } from "@/lib/shared/wire/shares"

/**
 * The state machine of a link, in its two forms: `shareStateOf` for a row in hand and
 * `shareStateWhere` for a query. Revoked wins over expired, expired over used up; a state other
 * than active never goes back to active (revokedAt is never cleared, expiry and limit are fixed,
 * downloads only grow). tests/db/share-state.test.ts checks on PostgreSQL that both forms agree.
 */
export type { ShareState }

/**
 * The columns a link's state depends on. Deleting a file revokes every link holding it; a link
 * left holding no file (`fileCount` 0, when the caller knows it) counts as revoked all the same.
 */
export type ShareStateFields = {
  fileCount?: number
  revokedAt: Date | null
  expiresAt: Date | null
  maxDownloads: number | null
  downloads: number
}

export function shareStateOf(share: ShareStateFields, now = new Date()): ShareState {
  if (share.revokedAt || share.fileCount === 0) return "revoked"
  if (share.expiresAt && share.expiresAt <= now) return "expired"
  if (share.maxDownloads !== null && share.downloads >= share.maxDownloads) return "used_up"
  return "active"
}

/** Links that would serve a download right now: shareStateOf's "active", as a WHERE clause. */
export function activeShareWhere(now: Date): Prisma.ShareWhereInput {
  return {
    revokedAt: null,
    files: { some: {} },
    AND: [
      { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
      { OR: [{ maxDownloads: null }, { downloads: { lt: getDb().share.fields.maxDownloads } }] },
    ],
  }
}

/** Each state of shareStateOf as a WHERE clause, in the same precedence. */
export function shareStateWhere(state: ShareState, now: Date): Prisma.ShareWhereInput {
  switch (state) {
    case "active":
      return activeShareWhere(now)
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
        downloads: { gte: getDb().share.fields.maxDownloads },
      }
  }
}
