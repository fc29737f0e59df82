import { getTranslations } from "next-intl/server"

// An unknown link says only that: not whether it ever existed.
export default async function ShareNotFound() {
  const t = await getTranslations("recipient")
  return (
    <section className="mx-auto max-w-md space-y-3 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">{t("notFound.title")}</h1>
      <p className="text-slate-600 dark:text-slate-300">{t("notFound.body")}</p>
    </section>
  )
}
