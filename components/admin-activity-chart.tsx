import { getLocale, getTranslations } from "next-intl/server"
import type { OverviewWire } from "@/lib/shared/wire/admin"

type Day = OverviewWire["days"][number]

const WIDTH = 640
const HEIGHT = 180
const PADDING = { top: 12, right: 8, bottom: 24, left: 32 }

/**
 * Uploads and downloads per day as paired bars in one inline SVG: a dozen rectangles do not need a
 * chart library. The numbers are also in a visually hidden table for screen readers.
 */
export async function AdminActivityChart({ days }: { days: Day[] }) {
  const t = await getTranslations("admin.chart")
  const locale = await getLocale()
  const number = new Intl.NumberFormat(locale)
  // The day in the reader's calendar notation (UTC, as the counts are).
  const dayLabel = new Intl.DateTimeFormat(locale, { month: "numeric", day: "numeric", timeZone: "UTC" })
  const max = Math.max(1, ...days.flatMap((day) => [day.uploads, day.downloads]))
  const plotWidth = WIDTH - PADDING.left - PADDING.right
  const plotHeight = HEIGHT - PADDING.top - PADDING.bottom
  const slot = plotWidth / Math.max(1, days.length)
  const bar = Math.max(2, slot * 0.35)
  const y = (value: number) => PADDING.top + plotHeight - (value / max) * plotHeight
  const label = (day: string) => dayLabel.format(new Date(`${day}T00:00:00Z`))
  return (
    <figure className="space-y-2">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="h-auto w-full" role="img" aria-label={t("title")}>
        <line
          x1={PADDING.left}
          x2={WIDTH - PADDING.right}
          y1={y(0)}
          y2={y(0)}
          className="stroke-slate-300 dark:stroke-slate-700"
        />
        <text x={PADDING.left - 6} y={y(max) + 4} textAnchor="end" className="fill-slate-500 text-[10px]">
          {number.format(max)}
        </text>
        <text x={PADDING.left - 6} y={y(0)} textAnchor="end" className="fill-slate-500 text-[10px]">
          {number.format(0)}
        </text>
        {days.map((day, index) => {
          const x = PADDING.left + index * slot + (slot - 2 * bar) / 2
          return (
            <g key={day.day}>
              <title>{t("bar", { day: label(day.day), uploads: day.uploads, downloads: day.downloads })}</title>
              <rect x={x} y={y(day.uploads)} width={bar} height={y(0) - y(day.uploads)} className="fill-brand-600" />
              <rect
                x={x + bar}
                y={y(day.downloads)}
                width={bar}
                height={y(0) - y(day.downloads)}
                className="fill-emerald-500"
              />
              {(index % 2 === days.length % 2 || days.length <= 7) && (
                <text x={x + bar} y={HEIGHT - 6} textAnchor="middle" className="fill-slate-500 text-[10px]">
                  {label(day.day)}
                </text>
              )}
            </g>
          )
        })}
      </svg>
      <figcaption className="flex gap-4 text-xs text-slate-600 dark:text-slate-300">
        <span className="flex items-center gap-1.5">
          <span className="inline-block h-2.5 w-2.5 rounded-sm bg-brand-600" aria-hidden="true" /> {t("uploads")}
        </span>
        <span className="flex items-center gap-1.5">
          <span className="inline-block h-2.5 w-2.5 rounded-sm bg-emerald-500" aria-hidden="true" />{" "}
          {t("downloadsLegend")}
        </span>
        <span>{t("utc")}</span>
      </figcaption>
      <table className="sr-only">
        <caption>{t("title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("day")}</th>
            <th scope="col">{t("uploads")}</th>
            <th scope="col">{t("downloads")}</th>
          </tr>
        </thead>
        <tbody>
          {days.map((day) => (
            <tr key={day.day}>
              <td>{label(day.day)}</td>
              <td>{number.format(day.uploads)}</td>
              <td>{number.format(day.downloads)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}
