"use client"

import { buttonClasses } from "@/components/ui/button"
import "./globals.css"

// When the root layout itself fails, this replaces it (so it brings its own <html> and styles):
// Next.js's built-in version uses inline styles, which the pages' CSP refuses.
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="flex min-h-screen items-center justify-center px-4 font-sans">
        <section role="alert" className="max-w-md space-y-4 text-center">
          <h1 className="text-2xl font-semibold tracking-tight">Valet is having trouble</h1>
          <p className="text-slate-600">
            Please try again in a moment{error.digest ? ` (reference ${error.digest})` : ""}.
          </p>
          <button type="button" onClick={reset} className={buttonClasses({ variant: "secondary" })}>
            Try again
          </button>
        </section>
      </body>
    </html>
  )
}
