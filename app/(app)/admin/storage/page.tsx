import type { Metadata } from "next"
import { getTranslations } from "next-intl/server"
import { AdminStorageCheck } from "@/components/admin-storage-check"
import { requirePageAdmin } from "@/lib/auth"

/** A command, the same in every language; in its own left-to-right box so Arabic does not reorder it. */
const DOCTOR_COMMAND = "npm run doctor"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("storageCheck"))("metaTitle") }
}

export default async function AdminStoragePage() {
  await requirePageAdmin("/admin/storage")
  const t = await getTranslations("storageCheck")
  return (
    <section aria-labelledby="storage-check-heading" className="space-y-4">
      <div className="space-y-2">
        <h2 id="storage-check-heading" className="text-xl font-semibold tracking-tight">
          {t("heading")}
        </h2>
        <p className="max-w-3xl text-sm text-slate-600 dark:text-slate-300">{t("intro")}</p>
      </div>
      <AdminStorageCheck />
      <p className="text-xs text-slate-500 dark:text-slate-400">
        {t.rich("cli", {
          command: () => (
            <code dir="ltr" className="font-mono">
              {DOCTOR_COMMAND}
            </code>
          ),
        })}
      </p>
    </section>
  )
}
