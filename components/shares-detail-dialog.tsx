"use client"

import { useTranslations } from "next-intl"
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from "react"
import { ShareNotificationsPanel } from "@/components/share-notifications-panel"
import { Button } from "@/components/ui/button"
import { CopyButton } from "@/components/ui/copy-button"
import { FormAlert } from "@/components/ui/form-alert"
import { FormattedDate } from "@/components/ui/formatted-date"
import { QrCode } from "@/components/ui/qr-code"
import { INPUT_CLASSES } from "@/components/ui/text-field"
import { useApiErrorMessage } from "@/components/use-api-error-message"
import { readApiFailure, type ApiFailure } from "@/lib/shared/api-client"
import type { ShareDetailWire, ShareEventWire } from "@/lib/shared/wire/shares"

type Detail = ShareDetailWire["share"]
type ShareEventView = ShareEventWire

type DetailResult = ShareDetailWire | { error: ApiFailure | "network" }

async function fetchDetail(shareId: string, after?: string): Promise<DetailResult> {
  const search = new URLSearchParams({ limit: "50", ...(after ? { cursor: after } : {}) })
  const response = await fetch(`/api/shares/${encodeURIComponent(shareId)}?${search}`).catch(() => undefined)
  if (!response?.ok) return { error: response ? await readApiFailure(response) : "network" }
  return (await response.json()) as DetailResult
}

const FIELD_LABEL = "block text-sm font-medium text-slate-700 dark:text-slate-200"
const FIELD = `${INPUT_CLASSES} mt-1 border-slate-300 dark:border-slate-700`

/** One link in My shares: copy it again, its QR code, edit it while it is live, and its access log. */
export function ShareDetailDialog({
  shareId,
  onClose,
  onChanged,
}: {
  shareId: string
  onClose: () => void
  onChanged: () => void
}) {
  const t = useTranslations("shareDetail")
  const errorMessage = useApiErrorMessage()
  const dialogRef = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const [share, setShare] = useState<Detail>()
  const [events, setEvents] = useState<ShareEventView[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [error, setError] = useState<string>()
  // Kept as the failure, not a sentence: the loader must not depend on the translator.
  const [loadFailure, setLoadFailure] = useState<ApiFailure | "network">()
  const shownError = error ?? (loadFailure && errorMessage(loadFailure))
  const [saved, setSaved] = useState(false)
  const [pending, setPending] = useState(false)

  const apply = useCallback((result: DetailResult, append: boolean) => {
    if ("error" in result) {
      setLoadFailure(result.error)
      return
    }
    setLoadFailure(undefined)
    setShare(result.share)
    setEvents((current) => (append ? [...current, ...result.events] : result.events))
    setCursor(result.nextCursor)
  }, [])

  const load = useCallback(
    async (after?: string) => apply(await fetchDetail(shareId, after), after !== undefined),
    [apply, shareId],
  )

  useEffect(() => {
    dialogRef.current?.showModal()
    let current = true
    void fetchDetail(shareId).then((result) => {
      if (current) apply(result, false)
    })
    return () => {
      current = false
    }
  }, [apply, shareId])

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const limit = String(form.get("maxDownloads") ?? "").trim()
    const password = String(form.get("password") ?? "")
    const body: Record<string, unknown> = {
      title: String(form.get("title") ?? "").trim() || null,
      message: String(form.get("message") ?? "").trim() || null,
      maxDownloads: limit === "" ? null : Number(limit),
    }
    if (form.get("removePassword") === "on") body.password = null
    else if (password) body.password = password
    setPending(true)
    setError(undefined)
    setSaved(false)
    try {
      const response = await fetch(`/api/shares/${encodeURIComponent(shareId)}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      })
      if (response.ok) {
        setSaved(true)
        await load()
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

  const fileName = (id: string | null) =>
    id ? (share?.files.find((file) => file.id === id)?.name ?? t("deletedFile")) : ""

  return (
    <dialog
      ref={dialogRef}
      aria-labelledby={titleId}
      onClose={(event) => {
        if (event.target === event.currentTarget) onClose()
      }}
      className="m-auto w-[min(48rem,calc(100%-2rem))] rounded-xl border border-slate-200 bg-white p-6 text-start text-slate-900 shadow-xl backdrop:bg-slate-950/50 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-100"
    >
      <h2 id={titleId} className="text-lg font-semibold wrap-anywhere">
        {share?.title ?? (share ? share.files.map((file) => file.name).join(", ") || t("link") : t("link"))}
      </h2>
      {shownError && (
        <div className="mt-3">
          <FormAlert>{shownError}</FormAlert>
        </div>
      )}
      {share && (
        <div className="mt-4 space-y-6">
          {share.url ? (
            <div className="flex flex-wrap items-start gap-4">
              <QrCode value={share.url} label={t("qr")} className="h-32 w-32 rounded border border-slate-200" />
              <div className="min-w-0 flex-1 space-y-2">
                <input
                  readOnly
                  value={share.url}
                  aria-label={t("shareLink")}
                  className={`${FIELD} mt-0 font-mono text-xs`}
                  onFocus={(event) => event.currentTarget.select()}
                />
                <CopyButton text={share.url} label={t("copy")} />
              </div>
            </div>
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-300">{t("noUrl")}</p>
          )}

          {share.state === "active" && (
            <form onSubmit={save} className="grid gap-4 sm:grid-cols-2" aria-label={t("edit")}>
              <div className="sm:col-span-2">
                <label htmlFor="edit-title" className={FIELD_LABEL}>
                  {t("title")}
                </label>
                <input
                  id="edit-title"
                  name="title"
                  maxLength={120}
                  defaultValue={share.title ?? ""}
                  className={FIELD}
                />
              </div>
              <div className="sm:col-span-2">
                <label htmlFor="edit-message" className={FIELD_LABEL}>
                  {t("message")}
                </label>
                <textarea
                  id="edit-message"
                  name="message"
                  maxLength={2000}
                  rows={2}
                  defaultValue={share.message ?? ""}
                  className={FIELD}
                />
              </div>
              <div>
                <label htmlFor="edit-limit" className={FIELD_LABEL}>
                  {t("limit")} <span className="font-normal text-slate-600 dark:text-slate-400">{t("limitHint")}</span>
                </label>
                <input
                  id="edit-limit"
                  name="maxDownloads"
                  type="number"
                  min={1}
                  step={1}
                  defaultValue={share.maxDownloads ?? ""}
                  className={FIELD}
                />
              </div>
              <div>
                <label htmlFor="edit-password" className={FIELD_LABEL}>
                  {t("newPassword")}{" "}
                  <span className="font-normal text-slate-600 dark:text-slate-400">{t("optional")}</span>
                </label>
                <input
                  id="edit-password"
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  minLength={4}
                  className={FIELD}
                />
                {share.hasPassword && (
                  <label className="mt-2 flex items-center gap-2 text-sm">
                    <input type="checkbox" name="removePassword" /> {t("removePassword")}
                  </label>
                )}
              </div>
              <div className="flex items-center gap-3 sm:col-span-2">
                <Button type="submit" disabled={pending}>
                  {pending ? t("saving") : t("save")}
                </Button>
                {saved && (
                  <span role="status" className="text-sm text-emerald-700 dark:text-emerald-300">
                    {t("saved")}
                  </span>
                )}
              </div>
            </form>
          )}

          <ShareNotificationsPanel shareId={shareId} live={share.state === "active"} />

          <section className="space-y-2" aria-label={t("log")}>
            <h3 className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300">
              {t("log")}
            </h3>
            {events.length === 0 ? (
              <p className="text-sm text-slate-600 dark:text-slate-300">{t("logEmpty")}</p>
            ) : (
              <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
                {events.map((event) => (
                  <li key={event.id} className="flex flex-wrap gap-x-3 py-1.5">
                    <span className="whitespace-nowrap text-slate-600 dark:text-slate-300">
                      <FormattedDate value={event.at} withTime />
                    </span>
                    <span className="font-medium">
                      {t(`kinds.${event.kind}`)} <bdi>{fileName(event.fileId)}</bdi>
                    </span>
                    <bdi dir="ltr" className="font-mono text-xs text-slate-600 dark:text-slate-300">
                      {event.ip}
                    </bdi>
                    <span
                      className="min-w-0 flex-1 truncate text-xs text-slate-600 dark:text-slate-300"
                      title={event.userAgent ?? undefined}
                    >
                      {event.userAgent}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {cursor && (
              <Button variant="secondary" size="sm" onClick={() => void load(cursor)}>
                {t("older")}
              </Button>
            )}
          </section>
        </div>
      )}
      <div className="mt-6 flex justify-end">
        <Button variant="secondary" onClick={() => dialogRef.current?.close()}>
          {t("close")}
        </Button>
      </div>
    </dialog>
  )
}
