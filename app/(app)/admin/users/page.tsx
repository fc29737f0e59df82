import type { Metadata } from "next"
import { getTranslations } from "next-intl/server"
import { AdminFilters, PageLinks, pageHref, stringParams } from "@/components/admin-filters"
import { AdminCreateUserForm } from "@/components/admin-create-user-form"
import { AdminInviteForm } from "@/components/admin-invite-form"
import { AdminUsersTable } from "@/components/admin-users-table"
import { listUsers } from "@/lib/admin/users"
import { requirePageAdmin } from "@/lib/auth"
import { isMailConfigured } from "@/lib/mail/transport"
import { adminUsersQuerySchema } from "@/lib/shared/validations/admin"
import { adminUserSchema } from "@/lib/shared/wire/admin"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("admin.users"))("metaTitle") }
}

const PAGE_SIZE = 50

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> }

export default async function AdminUsersPage({ searchParams }: PageProps) {
  const admin = await requirePageAdmin("/admin/users")
  const t = await getTranslations("admin.users")
  // A hand-edited query string falls back to the first page rather than an error.
  const parsed = adminUsersQuerySchema.safeParse({ ...stringParams(await searchParams), limit: PAGE_SIZE })
  const query = parsed.success ? parsed.data : adminUsersQuerySchema.parse({ limit: PAGE_SIZE })
  const { users, nextCursor } = await listUsers(query)
  const filters = { q: query.q }
  return (
    <div className="space-y-8">
      <section aria-labelledby="users-heading" className="space-y-3">
        <h2
          id="users-heading"
          className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400"
        >
          {t("title")}
        </h2>
        <AdminFilters
          action="/admin/users"
          label={t("filter")}
          fields={[{ name: "q", label: t("search"), type: "text", value: query.q }]}
        />
        {users.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">{t("empty")}</p>
        ) : (
          <AdminUsersTable users={users.map((user) => adminUserSchema.encode(user))} currentUserId={admin.id} />
        )}
        <PageLinks
          first={query.cursor ? pageHref("/admin/users", filters) : undefined}
          next={nextCursor ? pageHref("/admin/users", filters, nextCursor) : undefined}
        />
      </section>
      <section aria-labelledby="invite-heading" className="space-y-3">
        <h2
          id="invite-heading"
          className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400"
        >
          {t("invite")}
        </h2>
        <AdminInviteForm mailAvailable={isMailConfigured()} />
      </section>
      <section aria-labelledby="create-heading" className="space-y-3">
        <h2
          id="create-heading"
          className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400"
        >
          {t("create")}
        </h2>
        <AdminCreateUserForm />
      </section>
    </div>
  )
}
