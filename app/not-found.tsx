import { getTranslations } from "next-intl/server"
import Link from "next/link"
import { buttonClasses } from "@/components/ui/button"

// Replaces Next.js's built-in 404 page, whose inline <style> and style attributes the pages' CSP
// (styles only from files or by nonce) would refuse.
export default async function NotFound() {
  const t = await getTranslations("notFound")
  return (
    <section className="mx-auto max-w-md space-y-4 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">{t("title")}</h1>
      <p className="text-slate-600 dark:text-slate-300">{t("body")}</p>
      <Link href="/" className={buttonClasses({ variant: "secondary" })}>
        {t("home")}
      </Link>
    </section>
  )
}
