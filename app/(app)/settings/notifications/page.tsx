import type { Metadata } from "next"
import { NotificationTogglesForm, WebhookSettings } from "@/components/settings-notifications"
import { requirePageUser } from "@/lib/auth"
import { isMailConfigured } from "@/lib/mail/transport"
import { getNotificationSettings } from "@/lib/notifications"
import { listWebhooks } from "@/lib/webhooks/webhooks"

export const metadata: Metadata = { title: "Notifications" }

export default async function NotificationsPage() {
  const user = await requirePageUser("/settings/notifications")
  const [settings, webhooks] = await Promise.all([getNotificationSettings(user), listWebhooks(user)])
  return (
    <div className="space-y-8">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold tracking-tight">Notifications</h1>
        <p className="max-w-2xl text-slate-600 dark:text-slate-300">
          Mail about your links and upload requests, and webhooks that tell other systems what happens. Each link can
          turn its own mails off in My shares.
        </p>
      </header>
      <section
        aria-labelledby="mail-heading"
        className="grid gap-4 border-b border-slate-200 pb-8 md:grid-cols-[14rem_1fr] dark:border-slate-800"
      >
        <h2 id="mail-heading" className="text-base font-semibold">
          Mail me when
        </h2>
        <div className="max-w-md">
          <NotificationTogglesForm initial={settings} mailAvailable={isMailConfigured()} />
        </div>
      </section>
      <section aria-labelledby="webhooks-heading" className="grid gap-4 md:grid-cols-[14rem_1fr]">
        <div>
          <h2 id="webhooks-heading" className="text-base font-semibold">
            Webhooks
          </h2>
          <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
            Signed POSTs to your receiver, retried for a day. Internal addresses are refused.
          </p>
        </div>
        <div className="max-w-2xl min-w-0">
          <WebhookSettings initial={webhooks} />
        </div>
      </section>
    </div>
  )
}
