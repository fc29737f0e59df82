"use client"

import { buttonClasses } from "@/components/ui/button"

// A page that failed to render: a calm message and a retry, instead of Next.js's built-in error
// page, whose inline styles the pages' CSP refuses. The digest lets an operator find the server log line.
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section role="alert" className="mx-auto max-w-md space-y-4 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <p className="text-slate-600 dark:text-slate-300">
        This page could not be shown. Try again in a moment{error.digest ? ` (reference ${error.digest})` : ""}.
      </p>
      <button type="button" onClick={reset} className={buttonClasses({ variant: "secondary" })}>
        Try again
      </button>
    </section>
  )
}
