import { getTranslations } from "next-intl/server"
import type { ReactNode } from "react"
import { AdminNav } from "@/components/admin-nav"

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const t = await getTranslations("admin")
  return (
    <div className="space-y-8">
      <header className="space-y-4">
        <div className="space-y-2">
          <h1 className="text-3xl font-semibold tracking-tight">{t("title")}</h1>
          <p className="text-slate-600 dark:text-slate-300">{t("intro")}</p>
        </div>
        <AdminNav />
      </header>
      {children}
    </div>
  )
}
