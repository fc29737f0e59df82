"use client"

import { useLocale } from "next-intl"

/**
 * A date in the page's language and the reader's time zone. The server renders it in its own
 * zone, so the text may change on hydration; suppressHydrationWarning lets it, for this element only.
 */
export function FormattedDate({ value, withTime = false }: { value: string; withTime?: boolean }) {
  const locale = useLocale()
  const date = new Date(value)
  const full = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" })
  return (
    <time dateTime={value} title={full.format(date)} suppressHydrationWarning>
      {(withTime ? full : new Intl.DateTimeFormat(locale, { dateStyle: "medium" })).format(date)}
    </time>
  )
}
