import type { AuthUser } from "@/lib/auth"
import { recordAction, recordMintedKeys } from "@/lib/audit"
import { getDb } from "@/lib/db"
import { onShareRevoked } from "@/lib/notifications"
import { notFound } from "@/lib/errors"
import { activeShareWhere } from "@/lib/share-state"
import { deleteObject, presignGet } from "@/lib/storage"
import type { Prisma } from "@/lib/generated/prisma/client"
import type { FileDownloadResult, FileListItem, FileSummary } from "@/lib/shared/wire/files"
import type { ListFilesQuery } from "@/lib/shared/validations/files"
import { isResourceId } from "@/lib/shared/validations/text"

type FileSort = ListFilesQuery["sort"]

const FILE_SELECT = { id: true, name: true, size: true, contentType: true, createdAt: true } as const

const toSummary = (file: {
  id: string
  name: string
  size: bigint
  contentType: string
  createdAt: Date
}): FileSummary => ({
  id: file.id,
  name: file.name,
  size: Number(file.size),
  type: file.contentType,
  createdAt: file.createdAt,
})

export type { FileListItem }

// The id breaks ties, so every order is total and a cursor page never repeats or skips a file.
const FILE_ORDERS = {
  newest: [{ createdAt: "desc" }, { id: "desc" }],
  oldest: [{ createdAt: "asc" }, { id: "asc" }],
  name: [{ name: "asc" }, { id: "asc" }],
  size: [{ size: "desc" }, { id: "desc" }],
} satisfies Record<FileSort, Prisma.FileOrderByWithRelationInput[]>

/**
 * The user's files a page at a time, newest first unless sorted otherwise, optionally only those
 * whose name contains `q` (any case); `nextCursor` fetches the following page.
 */
export async function listFiles(
  user: AuthUser,
  page: { cursor?: string; limit: number; q?: string; sort?: FileSort },
): Promise<{ files: FileListItem[]; nextCursor: string | null }> {
  const db = getDb()
  const now = new Date()
  const files = await db.file.findMany({
    where: { ownerId: user.id, ...(page.q ? { name: { contains: page.q, mode: "insensitive" as const } } : {}) },
    orderBy: FILE_ORDERS[page.sort ?? "newest"],
    take: page.limit + 1,
    ...(page.cursor ? { cursor: { id: page.cursor }, skip: 1 } : {}),
    select: {
      ...FILE_SELECT,
      upload: { select: { uploadRequest: { select: { id: true, title: true } } } },
      // Links that would serve a download right now (shareStateOf's "active", in SQL).
      _count: {
        select: {
          shares: { where: { share: activeShareWhere(now) } },
        },
      },
    },
  })
  const hasMore = files.length > page.limit
  const shown = files.slice(0, page.limit)
  return {
    files: shown.map((file) => ({
      ...toSummary(file),
      activeShares: file._count.shares,
      fromRequest: file.upload.uploadRequest,
    })),
    nextCursor: hasMore ? (shown.at(-1)?.id ?? null) : null,
  }
}

/** One of the user's files; anyone else's is a 404. */
export async function getOwnFile(user: AuthUser, fileId: string): Promise<FileSummary> {
  if (!isResourceId(fileId)) throw notFound("File")
  const file = await getDb().file.findFirst({ where: { id: fileId, ownerId: user.id }, select: FILE_SELECT })
  if (!file) throw notFound("File")
  return toSummary(file)
}

/**
 * A fresh, short-lived GET for a file, for its owner or an admin: the browser is redirected to it
 * and downloads straight from storage, as an attachment under the file's name.
 */
export async function presignFileDownload(user: AuthUser, fileId: string) {
  if (!isResourceId(fileId)) throw notFound("File")
  const file = await getDb().file.findFirst({
    where: user.role === "ADMIN" ? { id: fileId } : { id: fileId, ownerId: user.id },
    select: { id: true, name: true, objectKey: true, contentType: true, snapshotId: true },
  })
  if (!file) throw notFound("File")
  const get = await presignGet({
    key: file.objectKey,
    filename: file.name,
    contentType: file.contentType,
    version: file.snapshotId,
  })
  await recordMintedKeys({ id: user.id, via: user.via }, [
    { action: "download.get", method: "GET", objectKey: file.objectKey, expiresAt: get.expiresAt, fileId: file.id },
  ])
  return get
}

/**
 * POST /api/files/download: a fresh presigned GET for each of many files (the caller's own, any
 * for an admin) in one call, for a client fetching a folder's worth of small files: one query
 * finds them all, one insert audits every key (each its own row, as one download at a time would
 * write). An id that names no file the caller may read answers its own 404 among the others.
 */
export async function presignFileDownloads(user: AuthUser, ids: string[]): Promise<FileDownloadResult[]> {
  const wanted = ids.filter(isResourceId)
  const files =
    wanted.length === 0
      ? []
      : await getDb().file.findMany({
          where: user.role === "ADMIN" ? { id: { in: wanted } } : { id: { in: wanted }, ownerId: user.id },
          select: { id: true, name: true, objectKey: true, contentType: true, snapshotId: true },
        })
  const byId = new Map(files.map((file) => [file.id, file]))
  const missing = notFound("File")
  const results: FileDownloadResult[] = []
  const minted: Parameters<typeof recordMintedKeys>[1] = []
  for (const id of ids) {
    const file = byId.get(id)
    if (!file) {
      results.push({ id, error: { code: missing.code, message: missing.message } })
      continue
    }
    const get = await presignGet({
      key: file.objectKey,
      filename: file.name,
      contentType: file.contentType,
      version: file.snapshotId,
    })
    minted.push({
      action: "download.get",
      method: "GET",
      objectKey: file.objectKey,
      expiresAt: get.expiresAt,
      fileId: id,
    })
    results.push({ id, url: get.url, expiresAt: get.expiresAt })
  }
  await recordMintedKeys({ id: user.id, via: user.via }, minted)
  return results
}

/**
 * Deletes a file (its owner's, or any for an admin): its links are revoked first, so they answer
 * 410 rather than 404 from then on, then the row goes and the object is removed from storage.
 * The object is deleted inside the transaction: if storage refuses, the row and the links stay as
 * they were and the caller gets a 503 to retry, instead of a row pointing at nothing.
 */
export async function deleteFile(user: AuthUser, fileId: string): Promise<void> {
  if (!isResourceId(fileId)) throw notFound("File")
  const db = getDb()
  const file = await db.file.findFirst({
    where: user.role === "ADMIN" ? { id: fileId } : { id: fileId, ownerId: user.id },
    select: {
      id: true,
      ownerId: true,
      objectKey: true,
      name: true,
      uploadId: true,
      upload: { select: { keysExpireAt: true } },
    },
  })
  if (!file) throw notFound("File")
  await db.$transaction(
    async (tx) => {
      const live = await tx.share.findMany({
        where: { files: { some: { fileId: file.id } }, revokedAt: null },
        select: { id: true },
      })
      const revoked = await tx.share.updateMany({
        where: { files: { some: { fileId: file.id } }, revokedAt: null },
        data: { revokedAt: new Date(), revokedById: user.id },
      })
      for (const share of live) await onShareRevoked(tx, file.ownerId, share.id, "file_deleted")
      // Shares keep their rows (their ShareFile row goes with the file) so their links say "revoked".
      await tx.file.delete({ where: { id: file.id } })
      // The upload's PUT key may still work and could re-create the object: sweep it after the key dies.
      await tx.upload.update({ where: { id: file.uploadId }, data: { sweepDueAt: file.upload.keysExpireAt } })
      await recordAction(
        { id: user.id, via: user.via },
        {
          action: "file.delete",
          objectKey: file.objectKey,
          fileId: file.id,
          details: { ownerId: file.ownerId, fileName: file.name, revokedShares: revoked.count },
        },
        tx,
      )
      await deleteObject(file.objectKey)
    },
    { timeout: 30_000 },
  )
}
