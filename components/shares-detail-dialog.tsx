"use client"

import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from "react"
import { ShareNotificationsPanel } from "@/components/share-notifications-panel"
import { Button } from "@/components/ui/button"
import { CopyButton } from "@/components/ui/copy-button"
import { FormAlert } from "@/components/ui/form-alert"
import { FormattedDate } from "@/components/ui/formatted-date"
import { QrCode } from "@/components/ui/qr-code"
import { INPUT_CLASSES } from "@/components/ui/text-field"
import { NETWORK_ERROR_MESSAGE, readApiFailure } from "@/lib/shared/api-client"
import type { ShareDetailWire, ShareEventWire } from "@/lib/shared/wire/shares"

type Detail = ShareDetailWire["share"]
type ShareEventView = ShareEventWire

const KIND_LABELS: Record<ShareEventView["kind"], string> = {
  view: "Opened the page",
  preview: "Previewed",
  download: "Downloaded",
  download_all: "Downloaded all (zip)",
}

type DetailResult = ShareDetailWire | { error: string }

async function fetchDetail(shareId: string, after?: string): Promise<DetailResult> {
  const search = new URLSearchParams({ limit: "50", ...(after ? { cursor: after } : {}) })
  const response = await fetch(`/api/shares/${encodeURIComponent(shareId)}?${search}`).catch(() => undefined)
  if (!response?.ok) return { error: response ? (await readApiFailure(response)).message : NETWORK_ERROR_MESSAGE }
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
  const dialogRef = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const [share, setShare] = useState<Detail>()
  const [events, setEvents] = useState<ShareEventView[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [error, setError] = useState<string>()
  const [saved, setSaved] = useState(false)
  const [pending, setPending] = useState(false)

  const apply = useCallback((result: DetailResult, append: boolean) => {
    if ("error" in result) {
      setError(result.error)
      return
    }
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
        setError(failure.issues[0]?.message ?? failure.message)
      }
    } catch {
      setError(NETWORK_ERROR_MESSAGE)
    }
    setPending(false)
  }

  const fileName = (id: string | null) =>
    id ? (share?.files.find((file) => file.id === id)?.name ?? "a deleted file") : ""

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
        {share?.title ?? (share ? share.files.map((file) => file.name).join(", ") || "Link" : "Link")}
      </h2>
      {error && (
        <div className="mt-3">
          <FormAlert>{error}</FormAlert>
        </div>
      )}
      {share && (
        <div className="mt-4 space-y-6">
          {share.url ? (
            <div className="flex flex-wrap items-start gap-4">
              <QrCode
                value={share.url}
                label="QR code of the share link"
                className="h-32 w-32 rounded border border-slate-200"
              />
              <div className="min-w-0 flex-1 space-y-2">
                <input
                  readOnly
                  value={share.url}
                  aria-label="Share link"
                  className={`${FIELD} mt-0 font-mono text-xs`}
                  onFocus={(event) => event.currentTarget.select()}
                />
                <CopyButton text={share.url} label="Copy link" />
              </div>
            </div>
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-300">
              This link was created before links could be copied again.
            </p>
          )}

          {share.state === "active" && (
            <form onSubmit={save} className="grid gap-4 sm:grid-cols-2" aria-label="Edit the link">
              <div className="sm:col-span-2">
                <label htmlFor="edit-title" className={FIELD_LABEL}>
                  Title
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
                  Message
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
                  Download limit <span className="font-normal text-slate-500">(empty: none)</span>
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
                  New password <span className="font-normal text-slate-500">(optional)</span>
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
                    <input type="checkbox" name="removePassword" /> Remove the password
                  </label>
                )}
              </div>
              <div className="flex items-center gap-3 sm:col-span-2">
                <Button type="submit" disabled={pending}>
                  {pending ? "Saving…" : "Save changes"}
                </Button>
                {saved && (
                  <span role="status" className="text-sm text-emerald-700 dark:text-emerald-300">
                    Saved.
                  </span>
                )}
              </div>
            </form>
          )}

          <ShareNotificationsPanel shareId={shareId} live={share.state === "active"} />

          <section className="space-y-2" aria-label="Access log">
            <h3 className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300">
              Access log
            </h3>
            {events.length === 0 ? (
              <p className="text-sm text-slate-600 dark:text-slate-300">Nobody has opened this link yet.</p>
            ) : (
              <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
                {events.map((event) => (
                  <li key={event.id} className="flex flex-wrap gap-x-3 py-1.5">
                    <span className="whitespace-nowrap text-slate-600 dark:text-slate-300">
                      <FormattedDate value={event.at} withTime />
                    </span>
                    <span className="font-medium">
                      {KIND_LABELS[event.kind]} {fileName(event.fileId)}
                    </span>
                    <span className="font-mono text-xs text-slate-600 dark:text-slate-300">{event.ip}</span>
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
                Older entries
              </Button>
            )}
          </section>
        </div>
      )}
      <div className="mt-6 flex justify-end">
        <Button variant="secondary" onClick={() => dialogRef.current?.close()}>
          Close
        </Button>
      </div>
    </dialog>
  )
}
