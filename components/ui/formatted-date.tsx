"use client"

const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" })
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" })

/**
 * A date in the reader's own locale and time zone. The server renders it in its own, so the text
 * may change on hydration; suppressHydrationWarning lets it, for this element only.
 */
export function FormattedDate({ value, withTime = false }: { value: string; withTime?: boolean }) {
  const date = new Date(value)
  return (
    <time dateTime={value} title={DATE_TIME.format(date)} suppressHydrationWarning>
      {(withTime ? DATE_TIME : DATE).format(date)}
    </time>
  )
}
