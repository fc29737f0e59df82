import { getTranslations } from "next-intl/server"

export default async function UploadRequestNotFound() {
  const t = await getTranslations("requestSend")
  return (
    <section className="mx-auto max-w-md space-y-3 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">{t("notFound.title")}</h1>
      <p className="text-slate-600 dark:text-slate-300">{t("notFound.body")}</p>
    </section>
  )
}
