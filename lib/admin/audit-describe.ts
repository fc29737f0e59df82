import { isLocale, LOCALE_NAMES } from "@/i18n/locales"
import type { AuditRow } from "@/lib/shared/wire/admin"

/** What the describer needs of next-intl's translator for the `audit` namespace. */
type AuditTranslator = {
  (key: string, values?: Record<string, string>): string
  has(key: string): boolean
}

/** Account and settings changes that read as a sentence (audit.descriptions.*), from their details. */
const DESCRIBED: ReadonlySet<string> = new Set([
  "account.name",
  "account.locale",
  "account.email_change_request",
  "account.email_change",
  "account.notifications",
  "token.create",
  "token.revoke",
  "webhook.create",
  "webhook.delete",
])

/**
 * A settings change as one sentence in the reader's language ("Name changed from “Ada” to
 * “Ada L.”"), or null for an action whose details are shown as they are.
 */
export function describeAuditEvent(t: AuditTranslator, event: { action: string; details: unknown }): string | null {
  if (!DESCRIBED.has(event.action)) return null
  const details =
    typeof event.details === "object" && event.details !== null && !Array.isArray(event.details)
      ? (event.details as Record<string, unknown>)
      : {}
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : t("descriptions.none"))
  const language = (value: unknown) => (isLocale(value) ? LOCALE_NAMES[value] : text(value))
  const key = `descriptions.${event.action.replace(".", "_")}`
  if (event.action === "account.notifications") {
    const changes = Object.entries(details)
      .filter(([name]) => t.has(`descriptions.switches.${name}`))
      .map(([name, on]) => t(`descriptions.switches.${name}`, { on: on === true ? "on" : "off" }))
    return t(key, { changes: changes.join(", ") })
  }
  const isLocaleChange = event.action === "account.locale"
  return t(key, {
    from: isLocaleChange ? language(details.from) : text(details.from),
    to: isLocaleChange ? language(details.to) : text(details.to),
    name: text(details.name),
    url: text(details.url),
  })
}

/** An action's name ("Link created"), or the action itself for one without a message. */
export function auditActionLabel(t: AuditTranslator, action: string): string {
  return t.has(`actions.${action}`) ? t(`actions.${action}`) : action
}

/** Who did it: the account's name or email, else who a public link's visitor was. */
export function auditActor(t: AuditTranslator, event: Pick<AuditRow, "actor" | "via">): string {
  if (event.actor) return event.actor.name?.trim() || event.actor.email
  if (event.via === "share") return t("linkVisitor")
  if (event.via === "upload-request") return t("requestSender")
  return t("nobody")
}

/**
 * The whole event as the log page reads it, in one line for the CSV export: "Ada — Link created:
 * report.pdf", or with the settings sentence ("Ada — Name changed from “Ada” to “Ada L.”.").
 */
export function describeAuditRow(
  t: AuditTranslator,
  event: Pick<AuditRow, "action" | "actor" | "via" | "subject" | "details">,
): string {
  const action = auditActionLabel(t, event.action)
  const what =
    describeAuditEvent(t, event) ?? (event.subject ? t("actionOn", { action, subject: event.subject }) : action)
  return t("line", { who: auditActor(t, event), what })
}
