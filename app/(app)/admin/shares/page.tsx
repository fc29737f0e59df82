import type { Metadata } from "next"
import { AdminFilters, PageLinks, pageHref, stringParams } from "@/components/admin-filters"
import { AdminSharesTable } from "@/components/admin-shares-table"
import { listAllShares } from "@/lib/admin/shares"
import { requirePageAdmin } from "@/lib/auth"
import { adminSharesQuerySchema } from "@/lib/shared/validations/admin"
import { adminShareSchema } from "@/lib/shared/wire/admin"

export const metadata: Metadata = { title: "Shares · Admin" }

const PAGE_SIZE = 50

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> }

export default async function AdminSharesPage({ searchParams }: PageProps) {
  await requirePageAdmin("/admin/shares")
  const parsed = adminSharesQuerySchema.safeParse({ ...stringParams(await searchParams), limit: PAGE_SIZE })
  const query = parsed.success ? parsed.data : adminSharesQuerySchema.parse({ limit: PAGE_SIZE })
  const { shares, nextCursor } = await listAllShares(query)
  const filters = { state: query.state, owner: query.owner, q: query.q }
  return (
    <section aria-labelledby="shares-heading" className="space-y-3">
      <h2
        id="shares-heading"
        className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400"
      >
        Shares
      </h2>
      <AdminFilters
        action="/admin/shares"
        label="Filter shares"
        fields={[
          { name: "q", label: "File name", type: "text", value: query.q },
          { name: "owner", label: "Owner email", type: "text", value: query.owner },
          {
            name: "state",
            label: "State",
            type: "select",
            value: query.state,
            options: [
              { value: "", label: "Any" },
              { value: "active", label: "Active" },
              { value: "expired", label: "Expired" },
              { value: "used_up", label: "Used up" },
              { value: "revoked", label: "Revoked" },
            ],
          },
        ]}
      />
      {shares.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">No link matches.</p>
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
