"use client"

import { useTranslations } from "next-intl"
import { useCallback, useEffect, useState, type FormEvent } from "react"
import { sendJson } from "@/components/account-send"
import { Button } from "@/components/ui/button"
import { FormAlert } from "@/components/ui/form-alert"
import { FormattedDate } from "@/components/ui/formatted-date"
import { INPUT_CLASSES } from "@/components/ui/input-classes"
import { useApiErrorMessage } from "@/components/use-api-error-message"
import type { ShareRecipientsWire } from "@/lib/shared/wire/shares"

type Panel = ShareRecipientsWire

async function fetchPanel(shareId: string): Promise<Panel | undefined> {
  const response = await fetch(`/api/shares/${encodeURIComponent(shareId)}/recipients`).catch(() => undefined)
  return response?.ok ? ((await response.json()) as Panel) : undefined
}

/** In a link's detail dialog: its own mail switches, who it was mailed to, and sending it to more people. */
export function ShareNotificationsPanel({ shareId, live }: { shareId: string; live: boolean }) {
  const t = useTranslations("shareMail")
  const errorMessage = useApiErrorMessage()
  const [panel, setPanel] = useState<Panel>()
  const [error, setError] = useState<string>()
  const [pending, setPending] = useState(false)
  const [to, setTo] = useState("")

  const load = useCallback(async () => {
    const loaded = await fetchPanel(shareId)
    if (loaded) setPanel(loaded)
  }, [shareId])
  useEffect(() => {
    let current = true
    void fetchPanel(shareId).then((loaded) => {
      if (current && loaded) setPanel(loaded)
    })
    return () => {
      current = false
    }
  }, [shareId])

  async function toggle(key: "notifyDownloads" | "notifyExpiry", value: boolean) {
    setError(undefined)
    const result = await sendJson("PATCH", `/api/shares/${encodeURIComponent(shareId)}/notifications`, { [key]: value })
    if (result.ok) setPanel((current) => current && { ...current, [key]: value })
    else setError(errorMessage(result.failure))
  }

  async function send(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const recipients = to.split(/[\s,;]+/).filter(Boolean)
    if (recipients.length === 0) return
    setPending(true)
    setError(undefined)
    const result = await sendJson("POST", `/api/shares/${encodeURIComponent(shareId)}/recipients`, { recipients })
    if (result.ok) {
      setTo("")
      await load()
    } else {
      setError(errorMessage(result.failure))
    }
    setPending(false)
  }

  if (!panel) return null
  return (
    <section className="space-y-3" aria-label={t("label")}>
      <h3 className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300">{t("title")}</h3>
      <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm">
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            className="size-4 shrink-0 accent-brand-600"
            checked={panel.notifyDownloads}
            onChange={(event) => void toggle("notifyDownloads", event.target.checked)}
          />
          {t("downloads")}
        </label>
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            className="size-4 shrink-0 accent-brand-600"
            checked={panel.notifyExpiry}
            onChange={(event) => void toggle("notifyExpiry", event.target.checked)}
          />
          {t("expiry")}
        </label>
      </div>
      {panel.recipients.length > 0 && (
        <div className="text-sm">
          <p className="font-medium">{t("sentTo")}</p>
          <ul aria-label={t("sentTo")} className="mt-1 space-y-0.5 text-slate-600 dark:text-slate-300">
            {panel.recipients.map((recipient) => (
              <li
                key={`${recipient.email}-${recipient.sentAt}`}
                className="flex flex-wrap justify-between gap-x-3 wrap-anywhere"
              >
                <span>{recipient.email}</span>
                <span className="text-xs text-slate-600 dark:text-slate-400">
                  <FormattedDate value={recipient.sentAt} withTime />
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {live && (
        <form
          onSubmit={(event) => void send(event)}
          className="flex flex-wrap items-end gap-2"
          aria-label={t("sendLabel")}
        >
          <label className="min-w-0 flex-1 text-sm font-medium">
            {t("sendTo")}
            <input
              value={to}
              onChange={(event) => setTo(event.target.value)}
              placeholder={t("placeholder")}
              dir="ltr"
              className={`${INPUT_CLASSES} mt-1 border-slate-300 dark:border-slate-700`}
            />
          </label>
          <Button type="submit" variant="secondary" disabled={pending || to.trim() === ""}>
            {pending ? t("sending") : t("send")}
          </Button>
        </form>
      )}
      {error && <FormAlert>{error}</FormAlert>}
    </section>
  )
}
