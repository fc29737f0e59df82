"use client"

import Link from "next/link"
import { usePathname } from "next/navigation"
import { useTranslations } from "next-intl"

const SECTIONS = [
  { href: "/admin", label: "overview" },
  { href: "/admin/users", label: "users" },
  { href: "/admin/shares", label: "shares" },
  { href: "/admin/files", label: "files" },
  { href: "/admin/audit", label: "audit" },
  { href: "/admin/storage", label: "storage" },
] as const

/** The console's sections as links (not tabs): each is its own URL with its filters in the query. */
export function AdminNav() {
  const pathname = usePathname()
  const t = useTranslations("admin.nav")
  return (
    <nav aria-label={t("label")} className="flex flex-wrap gap-1 border-b border-slate-200 dark:border-slate-800">
      {SECTIONS.map((section) => {
        const isCurrent = pathname === section.href
        return (
          <Link
            key={section.href}
            href={section.href}
            aria-current={isCurrent ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${
              isCurrent
                ? "border-brand-600 text-brand-700 dark:text-brand-100"
                : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white"
            }`}
          >
            {t(section.label)}
          </Link>
        )
      })}
    </nav>
  )
}
