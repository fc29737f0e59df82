import type { Metadata } from "next"
import { getTranslations } from "next-intl/server"
import { AdminFilters, PageLinks, pageHref, stringParams } from "@/components/admin-filters"
import { AdminSharesTable } from "@/components/admin-shares-table"
import { listAllShares } from "@/lib/admin/shares"
import { requirePageAdmin } from "@/lib/auth"
import { adminSharesQuerySchema } from "@/lib/shared/validations/admin"
import { adminShareSchema } from "@/lib/shared/wire/admin"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("admin.shares"))("metaTitle") }
}

const PAGE_SIZE = 50

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> }

export default async function AdminSharesPage({ searchParams }: PageProps) {
  await requirePageAdmin("/admin/shares")
  const t = await getTranslations("admin.shares")
  const states = await getTranslations("sharesList.states")
  const parsed = adminSharesQuerySchema.safeParse({ ...stringParams(await searchParams), limit: PAGE_SIZE })
  const query = parsed.success ? parsed.data : adminSharesQuerySchema.parse({ limit: PAGE_SIZE })
  const { shares, nextCursor } = await listAllShares(query)
  const filters = { state: query.state, owner: query.owner, q: query.q }
  return (
    <section aria-labelledby="shares-heading" className="space-y-3">
      <h2
        id="shares-heading"
        className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400"
      >
        {t("title")}
      </h2>
      <AdminFilters
        action="/admin/shares"
        label={t("filter")}
        fields={[
          { name: "q", label: t("fileName"), type: "text", value: query.q },
          { name: "owner", label: t("owner"), type: "text", value: query.owner },
          {
            name: "state",
            label: t("state"),
            type: "select",
            value: query.state,
            options: [
              { value: "", label: t("any") },
              { value: "active", label: states("active") },
              { value: "expired", label: states("expired") },
              { value: "used_up", label: states("used_up") },
              { value: "revoked", label: states("revoked") },
            ],
          },
        ]}
      />
      {shares.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("empty")}</p>
      ) : (
        <AdminSharesTable shares={shares.map((share) => adminShareSchema.encode(share))} />
      )}
      <PageLinks
        first={query.cursor ? pageHref("/admin/shares", filters) : undefined}
        next={nextCursor ? pageHref("/admin/shares", filters, nextCursor) : undefined}
      />
    </section>
  )
}
