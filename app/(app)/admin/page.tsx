import type { Metadata } from "next"
import { AdminActivityChart } from "@/components/admin-activity-chart"
import { getOverview, OVERVIEW_DAYS } from "@/lib/admin/overview"
import { requirePageAdmin } from "@/lib/auth"
import { formatBytes } from "@/lib/shared/upload-layout"

export const metadata: Metadata = { title: "Admin" }

export default async function AdminOverviewPage() {
  // Each page checks on its own: a layout is not re-run on client navigation between its pages.
  await requirePageAdmin("/admin")
  const overview = await getOverview()
  const totals = [
    {
      label: "Users",
      value: String(overview.users),
      hint: overview.disabledUsers > 0 ? `${overview.disabledUsers} disabled` : undefined,
    },
    { label: "Files", value: String(overview.files) },
    { label: "Stored", value: formatBytes(overview.bytesStored) },
    { label: "Active links", value: String(overview.activeShares) },
    { label: "Keys minted (24 h)", value: String(overview.keysMinted24h) },
  ]
  return (
    <div className="space-y-8">
      <section aria-labelledby="totals-heading" className="space-y-3">
        <h2
          id="totals-heading"
          className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400"
        >
          Totals
        </h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
          {totals.map((total) => (
            <div
              key={total.label}
              className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
            >
              <dt className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">
                {total.label}
              </dt>
              <dd className="mt-1 text-2xl font-semibold">{total.value}</dd>
              {total.hint && <dd className="text-xs text-slate-500 dark:text-slate-400">{total.hint}</dd>}
            </div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="activity-heading" className="space-y-3">
        <h2
          id="activity-heading"
          className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400"
        >
          Last {OVERVIEW_DAYS} days
        </h2>
        <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <AdminActivityChart days={overview.days} />
        </div>
      </section>
    </div>
  )
}
