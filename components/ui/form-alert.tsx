import type { ReactNode } from "react"

/** A form-level message. role="alert" makes screen readers read it out as soon as it appears. */
export function FormAlert({ children, tone = "error" }: { children: ReactNode; tone?: "error" | "info" }) {
  const colours =
    tone === "error"
      ? "border-red-200 bg-red-50 text-red-800 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-200"
      : "border-brand-100 bg-brand-50 text-brand-700 dark:border-brand-700/40 dark:bg-brand-700/15 dark:text-brand-100"
  return (
    <div role="alert" className={`rounded-lg border px-3 py-2 text-sm ${colours}`}>
      {children}
    </div>
  )
}
