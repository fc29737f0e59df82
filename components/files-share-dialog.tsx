"use client"

import { useTranslations } from "next-intl"
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from "react"
import { SharesList, type ShareView } from "@/components/shares-list"
import { Button } from "@/components/ui/button"
import { CopyButton } from "@/components/ui/copy-button"
import { FormAlert } from "@/components/ui/form-alert"
import { QrCode } from "@/components/ui/qr-code"
import { INPUT_CLASSES } from "@/components/ui/text-field"
import { useApiErrorMessage } from "@/components/use-api-error-message"
import { readApiFailure } from "@/lib/shared/api-client"
import type { CreatedSharesResponseWire } from "@/lib/shared/wire/shares"

const HOUR = 60 * 60
const DAY = 24 * HOUR
const PRESETS = [
  { value: String(HOUR), label: "hour" },
  { value: String(DAY), label: "day" },
  { value: String(7 * DAY), label: "week" },
  { value: "custom", label: "custom" },
  { value: "never", label: "never" },
] as const

/** `maxExpirySeconds` is the server's cap (SHARE_MAX_EXPIRY_SECONDS); null allows "Never". */
export type ShareSettings = { maxExpirySeconds: number | null }

async function fetchShares(fileId: string): Promise<ShareView[] | undefined> {
  const response = await fetch(`/api/files/${encodeURIComponent(fileId)}/shares`).catch(() => undefined)
  return response?.ok ? ((await response.json()) as { shares: ShareView[] }).shares : undefined
}

const FIELD_LABEL = "block text-sm font-medium text-slate-700 dark:text-slate-200"
const FIELD = `${INPUT_CLASSES} mt-1 border-slate-300 dark:border-slate-700`

/** Addresses typed one per line or separated by commas/spaces; the message goes along in the mail. */
function recipientsFrom(text: string, message: string): { recipients?: string[]; recipientMessage?: string } {
  const recipients = text
    .split(/[\s,;]+/)
    .map((address) => address.trim())
    .filter(Boolean)
  return recipients.length === 0 ? {} : { recipients, recipientMessage: message.trim() || undefined }
}

/** Creates one link for one or several files (title and message shown to the recipient). */
export function ShareDialog({
  files,
  settings,
  onClose,
  onChanged,
}: {
  files: { id: string; name: string }[]
  settings: ShareSettings
  onClose: () => void
  onChanged: () => void
}) {
  const t = useTranslations("shareDialog")
  const errorMessage = useApiErrorMessage()
  const dialogRef = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const [shares, setShares] = useState<ShareView[]>()
  const [created, setCreated] = useState<string>()
  const [sentTo, setSentTo] = useState<string[]>([])
  const [error, setError] = useState<string>()
  const [pending, setPending] = useState(false)
  const [preset, setPreset] = useState<string>(String(7 * DAY))

  const presets = PRESETS.filter(
    (option) =>
      (option.value !== "never" || settings.maxExpirySeconds === null) &&
      (settings.maxExpirySeconds === null ||
        Number.isNaN(Number(option.value)) ||
        Number(option.value) <= settings.maxExpirySeconds),
  )

  // One file: its existing links are listed under the form.
  const single = files.length === 1 ? files[0] : undefined
  const singleId = single?.id
  const loadShares = useCallback(async () => {
    if (!singleId) return
    const list = await fetchShares(singleId)
    if (list) setShares(list)
  }, [singleId])

  useEffect(() => {
    dialogRef.current?.showModal()
    let current = true
    if (singleId) {
      void fetchShares(singleId).then((list) => {
        if (current && list) setShares(list)
      })
    }
    return () => {
      current = false
    }
  }, [singleId])

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const days = Number(form.get("customDays"))
    const expiresIn = preset === "never" ? null : preset === "custom" ? Math.round(days * DAY) : Number(preset)
    const limit = String(form.get("maxDownloads") ?? "").trim()
    const body = {
      fileIds: files.map((file) => file.id),
      title: String(form.get("title") ?? "").trim() || undefined,
      message: String(form.get("message") ?? "").trim() || undefined,
      expiresIn,
      maxDownloads: limit === "" ? null : Number(limit),
      password: String(form.get("password") ?? "") || undefined,
      ...recipientsFrom(String(form.get("recipients") ?? ""), String(form.get("message") ?? "")),
    }
    setPending(true)
    setError(undefined)
    try {
      const response = await fetch("/api/shares", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      })
      if (response.ok) {
        const { share } = (await response.json()) as CreatedSharesResponseWire
        setCreated(share.url)
        setSentTo(share.sentTo ?? [])
        await loadShares()
        onChanged()
      } else {
        const failure = await readApiFailure(response)
        setError(errorMessage(failure))
      }
    } catch {
      setError(errorMessage("network"))
    }
    setPending(false)
  }

  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      onClose={(event) => {
        // React passes a nested dialog's close (the revoke confirmation) up the component tree.
        if (event.target === event.currentTarget) onClose()
      }}
      // text-start: the dialog is rendered inside a right-aligned table cell and must not inherit it.
      className="m-auto w-[min(40rem,calc(100%-2rem))] text-start rounded-xl border border-slate-200 bg-white p-6 text-slate-900 shadow-xl backdrop:bg-slate-950/50 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-100"
    >
      <h2 id={titleId} className="text-lg font-semibold wrap-anywhere">
        {single ? t("titleOne", { name: single.name }) : t("titleMany", { count: files.length })}
      </h2>
      {!single && (
        <p
          className="mt-1 truncate text-sm text-slate-600 dark:text-slate-300"
          title={files.map((file) => file.name).join(", ")}
        >
          {files.map((file) => file.name).join(", ")}
        </p>
      )}
      {created ? (
        <div className="mt-4 space-y-2">
          <p className="text-sm text-slate-600 dark:text-slate-300">{t("copyNow")}</p>
          <div className="flex flex-wrap items-center gap-2">
            <input
              readOnly
              value={created}
              aria-label={t("link")}
              className={`${FIELD} mt-0 flex-1 font-mono text-xs`}
              onFocus={(event) => event.currentTarget.select()}
            />
            <CopyButton text={created} label={t("copy")} />
          </div>
          {sentTo.length > 0 && (
            <p className="text-sm text-slate-600 dark:text-slate-300 wrap-anywhere">
              {t("sentTo", { addresses: sentTo.join(", ") })}
            </p>
          )}
          <QrCode value={created} label={t("qr")} className="h-40 w-40 rounded border border-slate-200" />
          <Button variant="secondary" size="sm" onClick={() => setCreated(undefined)}>
            {t("another")}
          </Button>
        </div>
      ) : (
        <form onSubmit={create} className="mt-4 grid gap-4 sm:grid-cols-2">
          <div className="sm:col-span-2">
            <label htmlFor="share-title" className={FIELD_LABEL}>
              {t("title")} <span className="font-normal text-slate-600 dark:text-slate-400">{t("optional")}</span>
            </label>
            <input id="share-title" name="title" maxLength={120} className={FIELD} />
          </div>
          <div className="sm:col-span-2">
            <label htmlFor="share-message" className={FIELD_LABEL}>
              {t("message")} <span className="font-normal text-slate-600 dark:text-slate-400">{t("optional")}</span>
            </label>
            <textarea id="share-message" name="message" maxLength={2000} rows={2} className={FIELD} />
          </div>
          <div className="sm:col-span-2">
            <label htmlFor="share-recipients" className={FIELD_LABEL}>
              {t("sendTo")}{" "}
              <span className="font-normal text-slate-600 dark:text-slate-400">{t("sendToLimit", { max: 20 })}</span>
            </label>
            <textarea
              id="share-recipients"
              name="recipients"
              rows={2}
              placeholder={t("sendToPlaceholder")}
              dir="ltr"
              aria-describedby="share-recipients-hint"
              className={FIELD}
            />
            <p id="share-recipients-hint" className="mt-1 text-xs text-slate-500 dark:text-slate-400">
              {t("sendToHint")}
            </p>
          </div>
          <div>
            <label htmlFor="share-expiry" className={FIELD_LABEL}>
              {t("expiresAfter")}
            </label>
            <select
              id="share-expiry"
              value={preset}
              onChange={(event) => setPreset(event.target.value)}
              className={FIELD}
            >
              {presets.map((option) => (
                <option key={option.value} value={option.value}>
                  {t(`presets.${option.label}`)}
                </option>
              ))}
            </select>
          </div>
          {preset === "custom" && (
            <div>
              <label htmlFor="share-custom-days" className={FIELD_LABEL}>
                {t("days")}
              </label>
              <input
                id="share-custom-days"
                name="customDays"
                type="number"
                min={1}
                step={1}
                required
                defaultValue={30}
                className={FIELD}
              />
            </div>
          )}
          <div>
            <label htmlFor="share-limit" className={FIELD_LABEL}>
              {t("limit")} <span className="font-normal text-slate-600 dark:text-slate-400">{t("optional")}</span>
            </label>
            <input id="share-limit" name="maxDownloads" type="number" min={1} step={1} className={FIELD} />
          </div>
          <div>
            <label htmlFor="share-password-new" className={FIELD_LABEL}>
              {t("password")} <span className="font-normal text-slate-600 dark:text-slate-400">{t("optional")}</span>
            </label>
            <input
              id="share-password-new"
              name="password"
              type="password"
              autoComplete="new-password"
              minLength={4}
              className={FIELD}
            />
          </div>
          {error && (
            <div className="sm:col-span-2">
              <FormAlert>{error}</FormAlert>
            </div>
          )}
          <div className="sm:col-span-2">
            <Button type="submit" disabled={pending}>
              {pending ? t("creating") : t("create")}
            </Button>
          </div>
        </form>
      )}
      {single && (
        <section className="mt-6 space-y-2" aria-label={t("links")}>
          <h3 className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">
            {t("links")}
          </h3>
          {shares ? (
            <SharesList
              shares={shares}
              onRevoked={() => {
                void loadShares()
                onChanged()
              }}
            />
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">{t("loading")}</p>
          )}
        </section>
      )}
      <div className="mt-6 flex justify-end">
        <Button variant="secondary" onClick={() => dialogRef.current?.close()}>
          {t("close")}
        </Button>
      </div>
    </dialog>
  )
}
