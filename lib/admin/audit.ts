import { getDb } from "@/lib/db"
import type { Prisma } from "@/lib/generated/prisma/client"
import type { AdminAuditQuery } from "@/lib/shared/validations/admin"
import { cursorArgs, pageOf } from "@/lib/admin/paging"

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
