/** Sizes in binary units (KiB, MiB…) with the locale's digits and decimal sign; browser-safe. */
const BYTE_WORD: Record<string, string> = { en: "bytes", de: "Byte", ar: "بايت" }
const UNITS = ["KiB", "MiB", "GiB", "TiB"]

/** Left-to-right isolate: "547.6 KiB" inside Arabic text must not turn into "KiB 547.6". */
const isolate = (locale: string, text: string) => (locale === "ar" ? `\u2066${text}\u2069` : text)

export function formatBytesIn(locale: string, value: number): string {
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 })
  if (value < 1024) return `${number.format(value)} ${BYTE_WORD[locale] ?? BYTE_WORD.en}`
  let scaled = value
  let unit = -1
  while (scaled >= 1024 && unit < UNITS.length - 1) {
    scaled /= 1024
    unit++
  }
  return isolate(locale, `${number.format(scaled)} ${UNITS[unit]}`)
}
