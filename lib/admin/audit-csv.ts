import { createTranslator, type AbstractIntlMessages } from "next-intl"
import type { Locale } from "@/i18n/locales"
import { listAuditEvents } from "@/lib/admin/audit"
import { describeAuditRow } from "@/lib/admin/audit-describe"
import { AUDIT_CSV_MAX_ROWS, type AdminAuditQuery } from "@/lib/shared/validations/admin"
import ar from "@/messages/ar.json"
import de from "@/messages/de.json"
import en from "@/messages/en.json"

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
  "description",
] as const

const AUDIT_MESSAGES: Record<Locale, typeof en.audit> = { en: en.audit, de: de.audit, ar: ar.audit }

/**
 * One CSV field (RFC 4180). A leading = + - @ or tab would make a spreadsheet run the cell as a
 * formula, and file names and emails are user input: such cells are prefixed with a quote.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** The `audit` messages in one language, looked up by names the describer builds (actions.<action>). */
function auditTranslator(locale: Locale) {
  const messages: AbstractIntlMessages = { audit: AUDIT_MESSAGES[locale] }
  const translator = createTranslator({ locale, messages, namespace: "audit" })
  // The typed overloads want literal keys; the describer's keys are built from the action.
  const translate = translator as unknown as (key: string, values?: Record<string, string>) => string
  return Object.assign((key: string, values?: Record<string, string>) => translate(key, values), {
    has: (key: string) => translator.has(key),
  })
}

/**
 * The filtered audit log as CSV, newest first, at most AUDIT_CSV_MAX_ROWS rows. The raw columns
 * for scripts, and `description`: the event as the log page reads it, in the admin's language.
 */
export async function exportAuditCsv(query: AdminAuditQuery, locale: Locale = "en"): Promise<string> {
  const t = auditTranslator(locale)
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
          describeAuditRow(t, event),
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
