"use client"

import { useLocale, useTranslations } from "next-intl"
import { useRouter } from "next/navigation"
import { useId, useTransition } from "react"
import { LOCALE_COOKIE, LOCALE_NAMES, LOCALES, isLocale } from "@/i18n/locales"

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60

/** Picks the page language and remembers it in a cookie (URLs carry no locale). */
/**
 * Signed in, the choice is also stored on the account (PATCH /api/account), so mails to this
 * person, and the links they mail to others, are written in it.
 */
export function LanguageSwitcher({ signedIn = false }: { signedIn?: boolean }) {
  const t = useTranslations("layout")
  const locale = useLocale()
  const router = useRouter()
  const [pending, startTransition] = useTransition()
  const id = useId()

  function choose(next: string) {
    if (!isLocale(next)) return
    document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=${ONE_YEAR_SECONDS}; samesite=lax`
    startTransition(async () => {
      // Best effort: the page language follows the cookie whether or not this is saved.
      if (signedIn)
        await fetch("/api/account", {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ locale: next }),
        }).catch(() => undefined)
      router.refresh()
    })
  }

  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id}>{t("language")}</label>
      <select
        id={id}
        value={locale}
        disabled={pending}
        onChange={(event) => choose(event.target.value)}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs text-slate-800 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      >
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LOCALE_NAMES[code]}
          </option>
        ))}
      </select>
    </div>
  )
}
