"use client"

import { buttonClasses } from "@/components/ui/button"
import { isLocale, LOCALE_COOKIE, negotiateLocale, textDirection, type Locale } from "@/i18n/locales"
import ar from "@/messages/ar.json"
import de from "@/messages/de.json"
import en from "@/messages/en.json"
import "./globals.css"

const TEXTS: Record<Locale, typeof en.globalError> = { en: en.globalError, de: de.globalError, ar: ar.globalError }

/** The root layout (and with it next-intl's provider) is gone: the cookie, else the browser's languages. */
function browserLocale(): Locale {
  if (typeof document === "undefined") return "en"
  const chosen = document.cookie
    .split("; ")
    .find((entry) => entry.startsWith(`${LOCALE_COOKIE}=`))
    ?.slice(LOCALE_COOKIE.length + 1)
  return isLocale(chosen) ? chosen : negotiateLocale(navigator.languages.join(","))
}

// When the root layout itself fails, this replaces it (so it brings its own <html> and styles):
// Next.js's built-in version uses inline styles, which the pages' CSP refuses.
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const locale = browserLocale()
  const t = TEXTS[locale]
  return (
    <html lang={locale} dir={textDirection(locale)}>
      <body className="flex min-h-screen items-center justify-center px-4 font-sans">
        <section role="alert" className="max-w-md space-y-4 text-center">
          <h1 className="text-2xl font-semibold tracking-tight">{t.title}</h1>
          <p className="text-slate-600">
            {error.digest ? t.bodyWithReference.replace("{reference}", error.digest) : t.body}
          </p>
          <button type="button" onClick={reset} className={buttonClasses({ variant: "secondary" })}>
            {t.retry}
          </button>
        </section>
      </body>
    </html>
  )
}
