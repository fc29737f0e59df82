import { AUDIT_CSV_MAX_ROWS, type AdminAuditQuery } from "@/lib/shared/validations/admin"
import { listAuditEvents } from "@/lib/admin/audit"

// New columns go last, so scripts reading the older ones by position keep working.
const CSV_COLUMNS = [
  "time",
  "action",
  "actor",
  "actor_id",
  "via",
  "method",
  "object_key",
  "key_expires_at",
  "upload_id",
  "file_id",
  "details",
  "subject",
  "actor_name",
] as const

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
    const { events, nextCursor } = await listAuditEvents({
      ...query,
      cursor,
      limit: Math.min(batch, AUDIT_CSV_MAX_ROWS - (lines.length - 1)),
    })
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
          event.subject ?? "",
          event.actor?.name ?? "",
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
