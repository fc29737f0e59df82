import type { Metadata } from "next"
import { getTranslations } from "next-intl/server"
import { AdminFilters, PageLinks, pageHref, stringParams } from "@/components/admin-filters"
import { buttonClasses } from "@/components/ui/button"
import { DataTable, Th } from "@/components/ui/data-table"
import { FormattedDate } from "@/components/ui/formatted-date"
import { listAuditEvents, type AuditRow } from "@/lib/admin/audit"
import { auditActionLabel, auditActor, describeAuditEvent } from "@/lib/admin/audit-describe"
import { requirePageAdmin } from "@/lib/auth"
import { adminAuditQuerySchema } from "@/lib/shared/validations/admin"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("audit"))("metaTitle") }
}

const PAGE_SIZE = 100

/** Filter choices: an action family ("upload" = upload.*) or one action. */
const ACTION_FILTERS = [
  "auth",
  "upload",
  "download",
  "share.create",
  "share.download",
  "share.revoke",
  "file.delete",
  "token",
  "upload_request",
  "admin",
  "account",
  "webhook",
] as const

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> }

/** Details that the other columns do not already say, one "key: value" each. */
function detailLines(event: AuditRow): string[] {
  if (typeof event.details !== "object" || event.details === null || Array.isArray(event.details)) return []
  return Object.entries(event.details)
    .filter(
      ([key, value]) => value !== null && value !== event.subject && !(key === "email" && value === event.actor?.email),
    )
    .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
}

export default async function AdminAuditPage({ searchParams }: PageProps) {
  await requirePageAdmin("/admin/audit")
  const t = await getTranslations("audit")
  const raw = stringParams(await searchParams)
  const parsed = adminAuditQuerySchema.safeParse({ ...raw, limit: PAGE_SIZE, format: "json" })
  const query = parsed.success ? parsed.data : adminAuditQuerySchema.parse({ limit: PAGE_SIZE })
  const { events, nextCursor } = await listAuditEvents(query)
  // The form's datetime-local values are kept as typed, so the fields show what was asked for.
  const filters = {
    user: query.user,
    action: query.action,
    from: query.from ? raw.from : undefined,
    to: query.to ? raw.to : undefined,
  }
  const csvHref = pageHref("/api/admin/audit", { ...filters, format: "csv" })
  const actionLabel = (action: string) => auditActionLabel(t, action)
  const description = (event: AuditRow) => describeAuditEvent(t, event)
  const who = (event: AuditRow) => auditActor(t, event)
  return (
    <section aria-labelledby="audit-heading" className="space-y-3">
      <div className="flex items-center justify-between gap-3">
        <h2
          id="audit-heading"
          className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400"
        >
          {t("title")}
        </h2>
        <a href={csvHref} download className={buttonClasses({ variant: "secondary", size: "sm" })}>
          {t("export")}
        </a>
      </div>
      {!parsed.success && <p className="text-sm text-red-600 dark:text-red-400">{t("invalidFilters")}</p>}
      <AdminFilters
        action="/admin/audit"
        label={t("filter")}
        fields={[
          { name: "user", label: t("actor"), type: "text", value: query.user },
          {
            name: "action",
            label: t("action"),
            type: "select",
            value: query.action,
            options: [
              { value: "", label: t("any") },
              ...ACTION_FILTERS.map((value) => ({ value, label: t(`filters.${value.replace(".", "_")}`) })),
            ],
          },
          { name: "from", label: t("from"), type: "datetime-local", value: filters.from },
          { name: "to", label: t("to"), type: "datetime-local", value: filters.to },
        ]}
      />
      {events.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("empty")}</p>
      ) : (
        <DataTable
          caption={t("caption")}
          head={
            <>
              <Th>{t("when")}</Th>
              <Th>{t("who")}</Th>
              <Th>{t("what")}</Th>
              <Th>{t("subject")}</Th>
              <Th>{t("details")}</Th>
            </>
          }
        >
          {events.map((event) => (
            <tr key={event.id} className="align-top">
              <td className="whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300">
                <FormattedDate value={event.createdAt.toISOString()} withTime />
              </td>
              <td className="min-w-40 px-4 py-3">
                <span className="block break-words">{who(event)}</span>
                {event.actor?.name && (
                  <span className="block break-all text-xs text-slate-600 dark:text-slate-400">
                    {event.actor.email}
                  </span>
                )}
              </td>
              <td className="min-w-36 px-4 py-3">
                <span className="block">{actionLabel(event.action)}</span>
                <span className="block font-mono text-xs text-slate-600 dark:text-slate-400">{event.action}</span>
              </td>
              <td className="min-w-40 px-4 py-3 text-slate-700 dark:text-slate-200">
                <span className="block break-words">{event.subject ?? "—"}</span>
                {event.expiresAt && (
                  <span className="block text-xs text-slate-600 dark:text-slate-400">
                    {t("keyUntil")} <FormattedDate value={event.expiresAt.toISOString()} withTime />
                  </span>
                )}
              </td>
              <td className="min-w-48 px-4 py-3 text-xs text-slate-600 dark:text-slate-400">
                {description(event) && (
                  <span className="block text-sm text-slate-700 dark:text-slate-200">{description(event)}</span>
                )}
                {(description(event) ? [] : detailLines(event)).map((line) => (
                  <span key={line} className="block break-all">
                    {line}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <PageLinks
        first={query.cursor ? pageHref("/admin/audit", filters) : undefined}
        next={nextCursor ? pageHref("/admin/audit", filters, nextCursor) : undefined}
      />
    </section>
  )
}
