import { getDb } from "@/lib/db"
import type { Prisma } from "@/lib/generated/prisma/client"
import type { AdminAuditQuery } from "@/lib/shared/validations/admin"
import { cursorArgs, pageOf } from "@/lib/admin/paging"
import type { AuditRow } from "@/lib/shared/wire/admin"

export type { AuditRow }

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
  actor: { select: { id: true, email: true, name: true } },
} as const

const detailText = (details: Prisma.JsonValue, key: string): string | undefined => {
  if (typeof details !== "object" || details === null || Array.isArray(details)) return undefined
  const value = details[key]
  return typeof value === "string" && value ? value : undefined
}

/** Names for a page of events: two queries, however many rows. */
async function withSubjects(
  rows: (Omit<AuditRow, "subject" | "details"> & { details: Prisma.JsonValue })[],
): Promise<AuditRow[]> {
  const present = (values: (string | null)[]) => [...new Set(values.filter((value): value is string => Boolean(value)))]
  const fileIds = present(rows.map((row) => row.fileId))
  const uploadIds = present(rows.map((row) => row.uploadId))
  const objectKeys = present(rows.map((row) => row.objectKey))
  const db = getDb()
  const [files, uploads] = await Promise.all([
    fileIds.length ? db.file.findMany({ where: { id: { in: fileIds } }, select: { id: true, name: true } }) : [],
    uploadIds.length || objectKeys.length
      ? db.upload.findMany({
          where: { OR: [{ id: { in: uploadIds } }, { objectKey: { in: objectKeys } }] },
          select: { id: true, objectKey: true, fileName: true },
        })
      : [],
  ])
  const fileNames = new Map(files.map((file) => [file.id, file.name]))
  const uploadNames = new Map(
    uploads.flatMap((upload) => [[upload.id, upload.fileName] as const, [upload.objectKey, upload.fileName] as const]),
  )
  return rows.map((row) => ({
    ...row,
    subject:
      detailText(row.details, "fileName") ??
      (row.fileId ? fileNames.get(row.fileId) : undefined) ??
      (row.uploadId ? uploadNames.get(row.uploadId) : undefined) ??
      (row.objectKey ? uploadNames.get(row.objectKey) : undefined) ??
      detailText(row.details, "title") ??
      detailText(row.details, "name") ??
      detailText(row.details, "email") ??
      null,
  }))
}

/** Audit events, newest first, a page at a time. */
export async function listAuditEvents(
  query: AdminAuditQuery,
): Promise<{ events: AuditRow[]; nextCursor: string | null }> {
  const rows = await getDb().auditEvent.findMany({
    where: auditWhere(query),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    ...cursorArgs(query),
    select: AUDIT_SELECT,
  })
  const { rows: shown, nextCursor } = pageOf(rows, query.limit)
  return { events: await withSubjects(shown), nextCursor }
}
