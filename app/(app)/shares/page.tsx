import type { Metadata } from "next"
import { getTranslations } from "next-intl/server"
import { MySharesList } from "@/components/shares-my-list"
import { requirePageUser } from "@/lib/auth"
import { listShares } from "@/lib/shares"
import { ownShareSchema } from "@/lib/shared/wire/shares"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("shares"))("title") }
}

export default async function SharesPage() {
  const account = await requirePageUser("/shares")
  const t = await getTranslations("shares")
  const shares = await listShares({ ...account, via: "session" })
  const views = shares.map((share) => ownShareSchema.encode(share))
  return (
    <div className="space-y-8">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="text-slate-600 dark:text-slate-300">{t("intro")}</p>
      </header>
      <MySharesList shares={views} />
    </div>
  )
}
