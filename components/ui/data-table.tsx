import type { ReactNode } from "react"

/**
 * The card-styled table every list in Valet uses: a caption for screen readers, a header row of
 * <Th> cells, and the rows as children.
 */
export function DataTable({
  caption,
  head,
  children,
  flat = false,
}: {
  caption: string
  head: ReactNode
  children: ReactNode
  flat?: boolean
}) {
  return (
    // Focusable and named: a keyboard user can scroll a table wider than the screen. `relative`: the
    // sr-only header labels are positioned absolutely, and would otherwise widen the page itself.
    <div
      role="region"
      aria-label={caption}
      tabIndex={0}
      className={`relative overflow-x-auto rounded-xl border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900 ${flat ? "" : "shadow-sm"}`}
    >
      <table className="w-full text-start text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800 dark:text-slate-400">
          <tr>{head}</tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">{children}</tbody>
      </table>
    </div>
  )
}

/** A column header; `srOnly` for columns whose label only screen readers need ("Actions"). */
export function Th({
  children,
  className = "",
  srOnly = false,
  compact = false,
}: {
  children: ReactNode
  className?: string
  srOnly?: boolean
  compact?: boolean
}) {
  return (
    <th scope="col" className={`${compact ? "px-3 py-2" : "px-4 py-3"} font-medium ${className}`.trim()}>
      {srOnly ? <span className="sr-only">{children}</span> : children}
    </th>
  )
}
