import type { Metadata } from "next"
import { getLocale, getTranslations } from "next-intl/server"
import { AdminActivityChart } from "@/components/admin-activity-chart"
import { getOverview, OVERVIEW_DAYS } from "@/lib/admin/overview"
import { requirePageAdmin } from "@/lib/auth"
import { formatBytesIn } from "@/lib/shared/format"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("admin"))("title") }
}

export default async function AdminOverviewPage() {
  // Each page checks on its own: a layout is not re-run on client navigation between its pages.
  await requirePageAdmin("/admin")
  const overview = await getOverview()
  const t = await getTranslations("admin.overview")
  const locale = await getLocale()
  const number = new Intl.NumberFormat(locale)
  const totals = [
    {
      label: t("users"),
      value: number.format(overview.users),
      hint: overview.disabledUsers > 0 ? t("disabled", { count: overview.disabledUsers }) : undefined,
    },
    { label: t("files"), value: number.format(overview.files) },
    { label: t("stored"), value: formatBytesIn(locale, overview.bytesStored) },
    { label: t("activeLinks"), value: number.format(overview.activeShares) },
    { label: t("keysMinted"), value: number.format(overview.keysMinted24h) },
  ]
  return (
    <div className="space-y-8">
      <section aria-labelledby="totals-heading" className="space-y-3">
        <h2
          id="totals-heading"
          className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400"
        >
          {t("totals")}
        </h2>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
          {totals.map((total) => (
            <div
              key={total.label}
              className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
            >
              <dt className="text-xs font-medium uppercase tracking-wide text-slate-600 dark:text-slate-400">
                {total.label}
              </dt>
              <dd className="mt-1 text-2xl font-semibold">{total.value}</dd>
              {total.hint && <dd className="text-xs text-slate-600 dark:text-slate-400">{total.hint}</dd>}
            </div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="activity-heading" className="space-y-3">
        <h2
          id="activity-heading"
          className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400"
        >
          {t("lastDays", { count: OVERVIEW_DAYS })}
        </h2>
        <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <AdminActivityChart days={overview.days} />
        </div>
      </section>
    </div>
  )
}
