import Link from "next/link"
import { buttonClasses } from "@/components/ui/button"

// Replaces Next.js's built-in 404 page, whose inline <style> and style attributes the pages' CSP
// (styles only from files or by nonce) would refuse.
export default function NotFound() {
  return (
    <section className="mx-auto max-w-md space-y-4 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">Page not found</h1>
      <p className="text-slate-600 dark:text-slate-300">There is nothing at this address.</p>
      <Link href="/" className={buttonClasses({ variant: "secondary" })}>
        Go home
      </Link>
    </section>
  )
}
