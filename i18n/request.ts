import { getRequestConfig } from "next-intl/server"
import { cookies, headers } from "next/headers"
import { isLocale, LOCALE_COOKIE, negotiateLocale, type Locale } from "@/i18n/locales"

/** The reader's language: the switcher's cookie, else the browser's Accept-Language. */
export async function requestLocale(): Promise<Locale> {
  const chosen = (await cookies()).get(LOCALE_COOKIE)?.value
  if (isLocale(chosen)) return chosen
  return negotiateLocale((await headers()).get("accept-language"))
}

export default getRequestConfig(async () => {
  const locale = await requestLocale()
  return { locale, messages: (await import(`../messages/${locale}.json`)).default }
})
