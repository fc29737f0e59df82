import type { Metadata } from "next"
import { getTranslations } from "next-intl/server"
import { NotificationTogglesForm, WebhookSettings } from "@/components/settings-notifications"
import { requirePageUser } from "@/lib/auth"
import { isMailConfigured } from "@/lib/mail/transport"
import { getNotificationSettings } from "@/lib/notifications"
import { listWebhooks } from "@/lib/webhooks/webhooks"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("notifications"))("title") }
}

export default async function NotificationsPage() {
  const user = await requirePageUser("/settings/notifications")
  const [settings, webhooks] = await Promise.all([getNotificationSettings(user), listWebhooks(user)])
  const t = await getTranslations("notifications")
  return (
    <div className="space-y-8">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="max-w-2xl text-slate-600 dark:text-slate-300">{t("intro")}</p>
      </header>
      <section
        aria-labelledby="mail-heading"
        className="grid gap-4 border-b border-slate-200 pb-8 md:grid-cols-[14rem_1fr] dark:border-slate-800"
      >
        <h2 id="mail-heading" className="text-base font-semibold">
          {t("mailHeading")}
        </h2>
        <div className="max-w-md">
          <NotificationTogglesForm initial={settings} mailAvailable={isMailConfigured()} />
        </div>
      </section>
      <section aria-labelledby="webhooks-heading" className="grid gap-4 md:grid-cols-[14rem_1fr]">
        <div>
          <h2 id="webhooks-heading" className="text-base font-semibold">
            {t("webhooksHeading")}
          </h2>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{t("webhooksIntro")}</p>
        </div>
        <div className="max-w-2xl min-w-0">
          <WebhookSettings initial={webhooks} />
        </div>
      </section>
    </div>
  )
}
