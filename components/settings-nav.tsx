"use client"

import Link from "next/link"
import { usePathname } from "next/navigation"
import { useTranslations } from "next-intl"

const TABS = [
  { href: "/settings", label: "account" },
  { href: "/settings/tokens", label: "tokens" },
  { href: "/settings/notifications", label: "notifications" },
] as const

/** Tabs between the settings pages; the current one is marked for assistive technology. */
export function SettingsNav() {
  const pathname = usePathname()
  const t = useTranslations("settings.nav")
  return (
    <nav aria-label={t("label")} className="flex gap-1 border-b border-slate-200 dark:border-slate-800">
      {TABS.map((tab) => {
        const current = pathname === tab.href
        return (
          <Link
            key={tab.href}
            href={tab.href}
            aria-current={current ? "page" : undefined}
            className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${
              current
                ? "border-brand-600 text-slate-900 dark:text-white"
                : "border-transparent text-slate-600 hover:text-slate-800 dark:text-slate-400 dark:hover:text-slate-200"
            }`}
          >
            {t(tab.label)}
          </Link>
        )
      })}
    </nav>
  )
}
