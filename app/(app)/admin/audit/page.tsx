import { DataTable, Th } from "@/components/ui/data-table"
import type { Metadata } from "next"
import { AdminFilters, PageLinks, pageHref, stringParams } from "@/components/admin-filters"
import { buttonClasses } from "@/components/ui/button"
import { FormattedDate } from "@/components/ui/formatted-date"
import { listAuditEvents } from "@/lib/admin"
import { requirePageAdmin } from "@/lib/auth"
import { adminAuditQuerySchema } from "@/lib/validations/admin"

export const metadata: Metadata = { title: "Audit log · Admin" }

const PAGE_SIZE = 100

const ACTIONS = [
  { value: "", label: "Any" },
  { value: "upload", label: "Upload keys (upload.*)" },
  { value: "download", label: "Download keys (download.get)" },
  { value: "share.download", label: "Link downloads (share.download)" },
  { value: "share.revoke", label: "Link revocations (share.revoke)" },
  { value: "file.delete", label: "File deletions (file.delete)" },
  { value: "admin", label: "Admin actions (admin.*)" },
]

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> }

/** What a row is about, in one line: the admin change, the link, or the deleted file's owner. */
function describe(details: unknown): string {
  if (typeof details !== "object" || details === null) return ""
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(" · ")
}

export default async function AdminAuditPage({ searchParams }: PageProps) {
  await requirePageAdmin("/admin/audit")
  const raw = stringParams(await searchParams)
  const parsed = adminAuditQuerySchema.safeParse({ ...raw, limit: PAGE_SIZE, format: "json" })
  const query = parsed.success ? parsed.data : adminAuditQuerySchema.parse({ limit: PAGE_SIZE })
  const { events, nextCursor } = await listAuditEvents(query)
  // The form's datetime-local values are kept as typed, so the fields show what was asked for.
  const filters = { user: query.user, action: query.action, from: query.from ? raw.from : undefined, to: query.to ? raw.to : undefined }
  const csvHref = pageHref("/api/admin/audit", { ...filters, format: "csv" })
  return (
    <section aria-labelledby="audit-heading" className="space-y-3">
      <div className="flex items-center justify-between gap-3">
        <h2 id="audit-heading" className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">Audit log</h2>
        <a href={csvHref} download className={buttonClasses({ variant: "secondary", size: "sm" })}>
          Export CSV
        </a>
      </div>
      {!parsed.success && <p className="text-sm text-red-600 dark:text-red-400">Those filters are not valid; showing everything.</p>}
      <AdminFilters
        action="/admin/audit"
        label="Filter the audit log"
        fields={[
          { name: "user", label: "User (email or id)", type: "text", value: query.user },
          { name: "action", label: "Action", type: "select", value: query.action, options: ACTIONS },
          { name: "from", label: "From", type: "datetime-local", value: filters.from },
          { name: "to", label: "To", type: "datetime-local", value: filters.to },
        ]}
      />
      {events.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">No event matches.</p>
      ) : (
        <DataTable
          caption="Audit events, newest first"
          head={
            <>
              <Th>When</Th>
              <Th>Action</Th>
              <Th>Who</Th>
              <Th>Key</Th>
              <Th>Details</Th>
            </>
          }
        >
              {events.map((event) => (
                <tr key={event.id} className="align-top">
                  <td className="whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300">
                    <FormattedDate value={event.createdAt.toISOString()} withTime />
                  </td>
                  <td className="whitespace-nowrap px-4 py-3 font-mono text-xs">{event.action}</td>
                  <td className="max-w-[14rem] truncate px-4 py-3 text-slate-600 dark:text-slate-300">
                    {event.actor?.email ?? (event.via === "share" ? "link visitor" : (event.via ?? "—"))}
                  </td>
                  <td className="px-4 py-3 text-slate-600 dark:text-slate-300">
                    {event.method ? (
                      <>
                        <span className="font-mono text-xs">
                          {event.method} {event.objectKey}
                        </span>
                        {event.expiresAt && (
                          <span className="block text-xs text-slate-500 dark:text-slate-400">
                            until <FormattedDate value={event.expiresAt.toISOString()} withTime />
                          </span>
                        )}
                      </>
                    ) : (
                      <span className="font-mono text-xs">{event.objectKey ?? ""}</span>
                    )}
                  </td>
                  <td className="max-w-md break-words px-4 py-3 text-xs text-slate-500 dark:text-slate-400">{describe(event.details)}</td>
                </tr>
              ))}
        </DataTable>
      )}
      <PageLinks first={query.cursor ? pageHref("/admin/audit", filters) : undefined} next={nextCursor ? pageHref("/admin/audit", filters, nextCursor) : undefined} />
    </section>
  )
}
