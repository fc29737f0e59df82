"use client"

import { useTranslations } from "next-intl"
import { buttonClasses } from "@/components/ui/button"

// A page that failed to render: a calm message and a retry, instead of Next.js's built-in error
// page, whose inline styles the pages' CSP refuses. The digest lets an operator find the server log line.
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useTranslations("pageError")
  return (
    <section role="alert" className="mx-auto max-w-md space-y-4 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="text-slate-600 dark:text-slate-300">
        {error.digest ? t("bodyWithReference", { reference: error.digest }) : t("body")}
      </p>
      <button type="button" onClick={reset} className={buttonClasses({ variant: "secondary" })}>
        {t("retry")}
      </button>
    </section>
  )
}
