"use client"

import { useLocale, useTranslations } from "next-intl"
import { useState, type FormEvent } from "react"
import { sendJson } from "@/components/account-send"
import { Button } from "@/components/ui/button"
import { CopyButton } from "@/components/ui/copy-button"
import { FormAlert } from "@/components/ui/form-alert"
import { FormattedDate } from "@/components/ui/formatted-date"
import { INPUT_CLASSES } from "@/components/ui/input-classes"
import { useApiErrorMessage } from "@/components/use-api-error-message"
import {
  WEBHOOK_EVENTS,
  type WebhookDeliverySummary,
  type WebhookEvent,
  type WebhookSummary,
} from "@/lib/shared/webhooks"
import type { NotificationSettings } from "@/lib/shared/wire/account"

export type NotificationToggles = NotificationSettings

const TOGGLES: (keyof NotificationToggles)[] = ["notifyDownloads", "notifyUploadRequests", "notifyExpiry"]

/** Mail switches: each change is saved at once. */
export function NotificationTogglesForm({
  initial,
  mailAvailable,
}: {
  initial: NotificationToggles
  mailAvailable: boolean
}) {
  const t = useTranslations("notifications")
  const errorMessage = useApiErrorMessage()
  const [values, setValues] = useState(initial)
  const [error, setError] = useState<string>()
  async function toggle(key: keyof NotificationToggles, value: boolean) {
    setValues((current) => ({ ...current, [key]: value }))
    setError(undefined)
    const result = await sendJson("PATCH", "/api/account/notifications", { [key]: value })
    if (!result.ok) {
      setValues((current) => ({ ...current, [key]: !value }))
      setError(errorMessage(result.failure))
    }
  }
  return (
    <fieldset className="space-y-3" disabled={!mailAvailable}>
      <legend className="sr-only">{t("mailHeading")}</legend>
      {!mailAvailable && <FormAlert tone="info">{t("noMail")}</FormAlert>}
      {TOGGLES.map((key) => (
        <label key={key} className="flex items-start gap-3 text-sm">
          <input
            type="checkbox"
            className="mt-0.5 size-4 shrink-0 accent-brand-600"
            checked={values[key]}
            onChange={(event) => void toggle(key, event.target.checked)}
          />
          <span>
            <span className="font-medium">{t(`toggles.${key}.label`)}</span>
            <span className="block text-slate-600 dark:text-slate-400">{t(`toggles.${key}.hint`)}</span>
          </span>
        </label>
      ))}
      {error && <FormAlert>{error}</FormAlert>}
    </fieldset>
  )
}

function statusTone(status: WebhookDeliverySummary["status"]) {
  if (status === "delivered") return "text-emerald-700 dark:text-emerald-400"
  if (status === "failed") return "text-red-700 dark:text-red-400"
  return "text-amber-700 dark:text-amber-400"
}

function Deliveries({ webhookId }: { webhookId: string }) {
  const t = useTranslations("notifications")
  const locale = useLocale()
  const [deliveries, setDeliveries] = useState<WebhookDeliverySummary[]>()
  const [error, setError] = useState<string>()
  async function load() {
    setError(undefined)
    try {
      const response = await fetch(`/api/webhooks/${webhookId}/deliveries`)
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      setDeliveries(((await response.json()) as { deliveries: WebhookDeliverySummary[] }).deliveries)
    } catch {
      setError(t("deliveriesFailed"))
    }
  }
  if (!deliveries) {
    return (
      <div className="space-y-2">
        <Button variant="ghost" size="sm" onClick={() => void load()}>
          {t("showDeliveries")}
        </Button>
        {error && <FormAlert>{error}</FormAlert>}
      </div>
    )
  }
  return (
    <div className="space-y-2">
      <div className="flex items-center justify-between">
        <h4 className="text-sm font-medium">{t("recentDeliveries")}</h4>
        <Button variant="ghost" size="sm" onClick={() => void load()}>
          {t("refresh")}
        </Button>
      </div>
      {deliveries.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("noDeliveries")}</p>
      ) : (
        <ul
          aria-label={t("deliveries")}
          className="divide-y divide-slate-200 rounded-lg border border-slate-200 text-sm dark:divide-slate-800 dark:border-slate-800"
        >
          {deliveries.map((delivery) => {
            const last = delivery.log.at(-1)
            return (
              <li key={delivery.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 px-3 py-2">
                <bdi dir="ltr" className="font-mono text-xs">
                  {delivery.type}
                </bdi>
                <span className={`font-medium ${statusTone(delivery.status)}`}>{t(`statuses.${delivery.status}`)}</span>
                <span className="text-slate-600 dark:text-slate-400">
                  {t("attempts", { count: delivery.attempts })}
                  {last
                    ? ` · ${last.statusCode ?? t("noAnswer")} · ${new Intl.NumberFormat(locale, { style: "unit", unit: "millisecond" }).format(last.latencyMs)}`
                    : ""}
                </span>
                <span className="ms-auto text-xs text-slate-600 dark:text-slate-400">
                  <FormattedDate value={delivery.createdAt} withTime />
                </span>
                {last?.error && (
                  <span className="w-full break-all text-xs text-red-700 dark:text-red-400">{last.error}</span>
                )}
              </li>
            )
          })}
        </ul>
      )}
    </div>
  )
}

function WebhookItem({ webhook, onDeleted }: { webhook: WebhookSummary; onDeleted: () => void }) {
  const t = useTranslations("notifications")
  const errorMessage = useApiErrorMessage()
  const [message, setMessage] = useState<{ tone: "info" | "error"; text: string }>()
  const [busy, setBusy] = useState(false)
  async function test() {
    setBusy(true)
    const result = await sendJson("POST", `/api/webhooks/${webhook.id}/test`)
    setMessage(
      result.ok ? { tone: "info", text: t("testQueued") } : { tone: "error", text: errorMessage(result.failure) },
    )
    setBusy(false)
  }
  async function remove() {
    setBusy(true)
    const result = await sendJson("DELETE", `/api/webhooks/${webhook.id}`)
    if (result.ok) onDeleted()
    else setMessage({ tone: "error", text: errorMessage(result.failure) })
    setBusy(false)
  }
  return (
    <li className="space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-800">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <p dir="ltr" className="break-all text-start font-mono text-sm">
            {webhook.url}
          </p>
          <p dir="ltr" className="text-start text-xs text-slate-600 dark:text-slate-400">
            {webhook.events.join(", ")}
          </p>
          {webhook.pausedAt && <p className="text-xs font-medium text-red-700 dark:text-red-400">{t("paused")}</p>}
        </div>
        <div className="flex gap-2">
          <Button variant="secondary" size="sm" disabled={busy} onClick={() => void test()}>
            {t("sendTest")}
          </Button>
          <Button
            variant="danger-ghost"
            size="sm"
            disabled={busy}
            onClick={() => void remove()}
            aria-label={t("deleteNamed", { url: webhook.url })}
          >
            {t("delete")}
          </Button>
        </div>
      </div>
      {message && <FormAlert tone={message.tone}>{message.text}</FormAlert>}
      <Deliveries webhookId={webhook.id} />
    </li>
  )
}

/** Webhooks: add (the secret is shown once), send a test, see deliveries, delete. */
export function WebhookSettings({ initial }: { initial: WebhookSummary[] }) {
  const t = useTranslations("notifications")
  const errorMessage = useApiErrorMessage()
  const [webhooks, setWebhooks] = useState(initial)
  const [url, setUrl] = useState("")
  const [events, setEvents] = useState<WebhookEvent[]>([...WEBHOOK_EVENTS])
  const [error, setError] = useState<string>()
  const [secret, setSecret] = useState<string>()
  const [pending, setPending] = useState(false)

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    setPending(true)
    setError(undefined)
    const result = await sendJson("POST", "/api/webhooks", { url, events })
    if (result.ok) {
      const { webhook } = (await result.response.json()) as { webhook: WebhookSummary & { secret: string } }
      const { secret: shown, ...summary } = webhook
      setWebhooks((current) => [...current, summary])
      setSecret(shown)
      setUrl("")
    } else {
      setError(errorMessage(result.failure))
    }
    setPending(false)
  }

  return (
    <div className="space-y-6">
      <form onSubmit={(event) => void add(event)} className="space-y-3" aria-label={t("add")}>
        <label className="block text-sm font-medium" htmlFor="webhook-url">
          {t("receiver")}
        </label>
        <input
          id="webhook-url"
          type="url"
          required
          placeholder={t("receiverPlaceholder")}
          dir="ltr"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          className={`${INPUT_CLASSES} border-slate-300 dark:border-slate-700`}
        />
        <fieldset className="space-y-1.5">
          <legend className="text-sm font-medium">{t("events")}</legend>
          {WEBHOOK_EVENTS.map((name) => (
            <label key={name} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="size-4 shrink-0 accent-brand-600"
                checked={events.includes(name)}
                onChange={(event) =>
                  setEvents((current) =>
                    event.target.checked ? [...current, name] : current.filter((each) => each !== name),
                  )
                }
              />
              {t(`eventLabels.${name.replace(".", "_")}`)}{" "}
              <bdi dir="ltr" className="font-mono text-xs text-slate-600 dark:text-slate-400">
                {name}
              </bdi>
            </label>
          ))}
        </fieldset>
        {error && <FormAlert>{error}</FormAlert>}
        <Button type="submit" disabled={pending || events.length === 0}>
          {pending ? t("adding") : t("addSubmit")}
        </Button>
      </form>
      {secret && (
        <div className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700/60 dark:bg-amber-950/30">
          <p className="font-medium">{t("secretTitle")}</p>
          <p className="break-all font-mono text-xs" data-testid="webhook-secret">
            {secret}
          </p>
          <p className="text-xs text-slate-600 dark:text-slate-300">{t("secretHint")}</p>
          <CopyButton text={secret} label={t("copySecret")} />
        </div>
      )}
      {webhooks.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("noWebhooks")}</p>
      ) : (
        <ul aria-label={t("webhooksHeading")} className="space-y-3">
          {webhooks.map((webhook) => (
            <WebhookItem
              key={webhook.id}
              webhook={webhook}
              onDeleted={() => setWebhooks((current) => current.filter((each) => each.id !== webhook.id))}
            />
          ))}
        </ul>
      )}
    </div>
  )
}
