import { getDb } from "@/lib/db"
import { activeShareWhere } from "@/lib/share-state"
import type { AdminFilesQuery } from "@/lib/shared/validations/admin"
import { contains, cursorArgs, pageOf } from "@/lib/admin/paging"
import type { AdminFileRow } from "@/lib/shared/wire/admin"

export type { AdminFileRow }

/** Every file of every user, newest first, filtered by owner email, name and size range. */
export async function listAllFiles(
  query: AdminFilesQuery,
): Promise<{ files: AdminFileRow[]; nextCursor: string | null }> {
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
