/** The languages Valet speaks; browser-safe (the switcher and the server both read it). */
export const LOCALES = ["en", "de", "ar"] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = "en"
/** Set by the language switcher; wins over Accept-Language. No locale prefix in any URL. */
export const LOCALE_COOKIE = "NEXT_LOCALE"
/** Each language's own name, so a reader finds theirs whatever the page's language is. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", de: "Deutsch", ar: "العربية" }

export const isLocale = (value: unknown): value is Locale =>
  typeof value === "string" && (LOCALES as readonly string[]).includes(value)

export const textDirection = (locale: Locale): "ltr" | "rtl" => (locale === "ar" ? "rtl" : "ltr")

/**
 * The best of our locales for an Accept-Language header ("de-CH,de;q=0.9,en;q=0.8"): highest
 * q first, a region falls back to its language, the default when nothing matches.
 */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale {
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";")
      const q = Number(
        params
          .find((param) => param.trim().startsWith("q="))
          ?.trim()
          .slice(2) ?? "1",
      )
      return { language: tag.toLowerCase().split("-")[0] ?? "", q: Number.isFinite(q) ? q : 0, index }
    })
    .filter((entry) => entry.language && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  return ranked.map((entry) => entry.language).find(isLocale) ?? DEFAULT_LOCALE
}

/**
 * The reader's language from a request's own headers: the switcher's cookie, else Accept-Language.
 * For route handlers and lib code, which must not depend on next/headers' request scope.
 */
export function localeOfRequest(headers: Headers): Locale {
  const chosen = (headers.get("cookie") ?? "")
    .split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${LOCALE_COOKIE}=`))
    ?.slice(LOCALE_COOKIE.length + 1)
  return isLocale(chosen) ? chosen : negotiateLocale(headers.get("accept-language"))
}

/** A stored locale (a User.locale column), or the default when it is unset or no longer offered. */
export const localeOrDefault = (value: string | null | undefined): Locale => (isLocale(value) ? value : DEFAULT_LOCALE)
