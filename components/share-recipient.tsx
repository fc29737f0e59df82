"use client"

import { useLocale, useTranslations } from "next-intl"
import { useCallback, useEffect, useRef, useState } from "react"
import { downloadAll, ZipError, type ZipProgress } from "@/components/share-zip"
import { Button } from "@/components/ui/button"
import { FileTypeIcon } from "@/components/ui/file-type-icon"
import { FormAlert } from "@/components/ui/form-alert"
import { FormattedDate } from "@/components/ui/formatted-date"
import type { ApiErrorBody } from "@/lib/shared/error-codes"
import { previewKindOf } from "@/lib/shared/previews"
import { formatBytesIn } from "@/lib/shared/format"
import type { ShareFileWire } from "@/lib/shared/wire/shares"
import type { DownloadKeyWire } from "@/lib/shared/wire/shares"

type ShareFile = ShareFileWire

type Props = {
  token: string
  title: string | null
  message: string | null
  files: ShareFile[]
  totalSize: number
  expiresAt: string | null
  remainingDownloads: number | null
  error?: string
}

/** Failures a recipient can meet, each with a sentence of its own (recipient.failures.*). */
const FAILURES: ReadonlySet<string> = new Set([
  "share_used_up",
  "share_revoked",
  "share_expired",
  "password_required",
  "rate_limited",
])

const JSON_HEADERS = { accept: "application/json", "content-type": "application/json" }

/** Asks the app for a fresh key (preview or download) for one file, as JSON rather than a redirect. */
async function fetchKey(token: string, fileId: string, kind: "preview" | "download") {
  const response = await fetch(`/s/${encodeURIComponent(token)}/files/${encodeURIComponent(fileId)}/${kind}`, {
    method: "POST",
    headers: JSON_HEADERS,
    body: "{}",
  })
  const body = (await response.json().catch(() => null)) as
    (DownloadKeyWire & { error?: undefined }) | ApiErrorBody | null
  if (!response.ok || !body || body.error) {
    const code = body?.error?.code ?? "internal_error"
    throw new ZipError(code, body?.error?.message ?? code)
  }
  return body
}

const previewPath = (token: string, fileId: string) =>
  `/s/${encodeURIComponent(token)}/files/${encodeURIComponent(fileId)}/preview`

/** What a recipient sees of a live link: its files with previews, per-file downloads and "Download all". */
export function ShareRecipient({
  token,
  title,
  message,
  files,
  totalSize,
  expiresAt,
  remainingDownloads: initialRemaining,
  error,
}: Props) {
  const t = useTranslations("recipient")
  const locale = useLocale()
  const formatBytes = (bytes: number) => formatBytesIn(locale, bytes)
  // The reader's sentence for a failure: a known code has its own, anything else a generic one.
  const failureText = (failure: unknown) =>
    failure instanceof ZipError && FAILURES.has(failure.code) ? t(`failures.${failure.code}`) : t("failed")
  const [remaining, setRemaining] = useState(initialRemaining)
  const [problem, setProblem] = useState<string | undefined>(error)
  const [zip, setZip] = useState<ZipProgress | null>(null)
  const [zipDone, setZipDone] = useState(false)
  const [lightbox, setLightbox] = useState<ShareFile | null>(null)
  const usedUp = remaining !== null && remaining <= 0

  async function downloadOne(file: ShareFile) {
    setProblem(undefined)
    try {
      const key = await fetchKey(token, file.id, "download")
      if (key.remainingDownloads !== undefined) setRemaining(key.remainingDownloads)
      // The key answers with `attachment`: the browser saves the file and this page stays.
      window.location.assign(key.url)
    } catch (failure) {
      setProblem(failureText(failure))
    }
  }

  async function downloadEverything() {
    setProblem(undefined)
    setZipDone(false)
    try {
      setZip({ filesDone: 0, fileCount: files.length, bytesDone: 0, bytesTotal: 0 })
      const result = await downloadAll(token, `${(title ?? t("zipName")).replace(/[/\\:*?"<>|]/g, "_")}.zip`, setZip)
      setRemaining(result.remainingDownloads)
      setZipDone(true)
    } catch (failure) {
      setZip(null)
      if (failure instanceof ZipError && failure.code === "aborted") return
      setProblem(failure instanceof ZipError ? failureText(failure) : t("zipStopped"))
    }
  }

  return (
    <section className="mx-auto w-full max-w-3xl space-y-6 text-left">
      <header className="space-y-2">
        <p className="text-sm text-slate-600 dark:text-slate-300">{t("sharedWithYou", { count: files.length })}</p>
        {/* dir="auto": the sender's own words keep their direction on a page in another language. */}
        <h1 dir="auto" className="break-words text-start text-2xl font-semibold tracking-tight">
          {title ?? files[0]?.name ?? t("metaTitle")}
        </h1>
        {message && (
          <p dir="auto" className="whitespace-pre-line break-words text-start text-slate-700 dark:text-slate-200">
            {message}
          </p>
        )}
      </header>

      <dl className="grid grid-cols-2 gap-3 rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm sm:grid-cols-3 dark:border-slate-800 dark:bg-slate-900">
        <div>
          <dt className="text-slate-600 dark:text-slate-300">{t("totalSize")}</dt>
          <dd className="font-medium">
            <bdi dir="ltr">{formatBytes(totalSize)}</bdi>
          </dd>
        </div>
        <div>
          <dt className="text-slate-600 dark:text-slate-300">{t("expires")}</dt>
          <dd className="font-medium">{expiresAt ? <FormattedDate value={expiresAt} withTime /> : t("never")}</dd>
        </div>
        {remaining !== null && (
          <div>
            <dt className="text-slate-600 dark:text-slate-300">{t("downloadsLeft")}</dt>
            <dd className="font-medium" data-testid="downloads-left">
              {new Intl.NumberFormat(locale).format(remaining)}
            </dd>
          </div>
        )}
      </dl>

      {problem && <FormAlert>{problem}</FormAlert>}

      {files.length > 1 && (
        <div className="flex flex-wrap items-center gap-3">
          <Button onClick={downloadEverything} disabled={usedUp || (zip !== null && !zipDone)}>
            {t("downloadAll", { size: formatBytes(totalSize) })}
          </Button>
          {zip && (
            <p className="text-sm text-slate-600 dark:text-slate-300" role="status">
              {zipDone && zip.bytesDone >= zip.bytesTotal
                ? t("zipSaved")
                : zip.bytesTotal
                  ? t("zippingOf", {
                      done: zip.filesDone,
                      count: zip.fileCount,
                      bytes: formatBytes(zip.bytesDone),
                      total: formatBytes(zip.bytesTotal),
                    })
                  : t("zipping", { done: zip.filesDone, count: zip.fileCount, bytes: formatBytes(zip.bytesDone) })}
            </p>
          )}
        </div>
      )}

      <ul className="space-y-3">
        {files.map((file) => (
          <li
            key={file.id}
            className="rounded-xl border border-slate-200 bg-white p-3 shadow-sm dark:border-slate-800 dark:bg-slate-900"
          >
            <div className="flex flex-wrap items-center gap-3">
              <FileTypeIcon type={file.type} className="h-6 w-6 shrink-0 text-slate-500 dark:text-slate-400" />
              <div className="min-w-0 flex-1">
                <p dir="auto" className="break-all text-start font-medium">
                  {file.name}
                </p>
                <p className="text-sm text-slate-600 dark:text-slate-300">
                  <bdi dir="ltr">{formatBytes(file.size)}</bdi>
                </p>
              </div>
              {/* A POST, not a link: previewers and prefetchers that follow links must not use up
                  downloads. Without script the form posts and the route redirects to storage. */}
              <form
                method="post"
                action={`/s/${token}/files/${file.id}/download`}
                onSubmit={(event) => {
                  event.preventDefault()
                  void downloadOne(file)
                }}
              >
                <Button
                  type="submit"
                  variant="secondary"
                  size="sm"
                  disabled={usedUp}
                  aria-label={t("downloadNamed", { name: file.name })}
                >
                  {t("download")}
                </Button>
              </form>
            </div>
            <FilePreview token={token} file={file} onOpenImage={() => setLightbox(file)} />
          </li>
        ))}
      </ul>

      {lightbox && <Lightbox token={token} file={lightbox} onClose={() => setLightbox(null)} />}
    </section>
  )
}

function FilePreview({ token, file, onOpenImage }: { token: string; file: ShareFile; onOpenImage: () => void }) {
  const t = useTranslations("recipient")
  const kind = previewKindOf(file.type)
  if (kind === "image") {
    return (
      <button
        type="button"
        onClick={onOpenImage}
        className="mt-3 block overflow-hidden rounded-lg"
        aria-label={t("enlarge", { name: file.name })}
      >
        {/* The inline preview key is the thumbnail: the browser scales it; no bytes pass the app. */}
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img
          src={previewPath(token, file.id)}
          alt={file.name}
          loading="lazy"
          decoding="async"
          className="h-40 w-auto max-w-full object-cover"
        />
      </button>
    )
  }
  if (kind === "video" || kind === "audio") return <MediaPreview token={token} file={file} kind={kind} />
  if (kind === "pdf") return <PdfPreview token={token} file={file} />
  if (kind === "text") return <TextPreview token={token} file={file} />
  return null
}

/** How many fresh keys a player may ask for in a row before the page gives up. */
const MAX_KEY_RENEWALS = 3

/**
 * A player on the preview key itself, so seeking is Range requests straight to storage. A key
 * lives PREVIEW_URL_TTL_SECONDS; when one expires mid-play, storage refuses the next range, the
 * player errors, and a fresh key is fetched and resumed at the same position.
 */
function MediaPreview({ token, file, kind }: { token: string; file: ShareFile; kind: "video" | "audio" }) {
  const mediaRef = useRef<HTMLVideoElement & HTMLAudioElement>(null)
  const renewals = useRef(0)
  const [failed, setFailed] = useState(false)
  const t = useTranslations("recipient")

  const load = useCallback(
    async (resumeAt: number, play: boolean) => {
      const media = mediaRef.current
      if (!media) return
      const key = await fetchKey(token, file.id, "preview")
      media.src = key.url
      if (resumeAt > 0 || play) {
        media.addEventListener(
          "loadedmetadata",
          () => {
            media.currentTime = resumeAt
            if (play) void media.play().catch(() => undefined)
          },
          { once: true },
        )
      }
    },
    [token, file.id],
  )

  useEffect(() => {
    load(0, false).catch(() => setFailed(true))
  }, [load])

  function recover() {
    const media = mediaRef.current
    if (!media || !media.currentSrc) return
    if (renewals.current >= MAX_KEY_RENEWALS) {
      setFailed(true)
      return
    }
    renewals.current += 1
    load(media.currentTime, !media.paused || media.autoplay).catch(() => setFailed(true))
  }

  const Tag = kind
  return (
    <div className="mt-3">
      <Tag
        ref={mediaRef}
        controls
        preload="metadata"
        playsInline
        onError={recover}
        onPlaying={() => {
          renewals.current = 0
        }}
        data-testid={`${kind}-preview`}
        className={kind === "video" ? "max-h-[60vh] w-full rounded-lg bg-black" : "w-full"}
      />
      {failed && <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{t("cannotPlay")}</p>}
    </div>
  )
}

function PdfPreview({ token, file }: { token: string; file: ShareFile }) {
  const [open, setOpen] = useState(false)
  const t = useTranslations("recipient")
  if (!open) {
    return (
      <Button variant="ghost" size="sm" className="mt-2" onClick={() => setOpen(true)}>
        {t("showPdf")}
      </Button>
    )
  }
  return (
    <iframe
      src={previewPath(token, file.id)}
      title={file.name}
      className="mt-3 h-[70vh] w-full rounded-lg border border-slate-200 dark:border-slate-800"
    />
  )
}

/** The first KiB of a text file: one Range request through the preview key. */
const TEXT_PREVIEW_BYTES = 1024

function TextPreview({ token, file }: { token: string; file: ShareFile }) {
  const [text, setText] = useState<string | null>(null)
  useEffect(() => {
    let cancelled = false
    ;(async () => {
      const key = await fetchKey(token, file.id, "preview")
      const response = await fetch(key.url, {
        headers: { Range: `bytes=0-${TEXT_PREVIEW_BYTES - 1}` },
        referrerPolicy: "no-referrer",
      })
      const bytes = new Uint8Array(await response.arrayBuffer()).slice(0, TEXT_PREVIEW_BYTES)
      // A cut multi-byte character at the end decodes to U+FFFD rather than failing.
      if (!cancelled) setText(new TextDecoder("utf-8").decode(bytes))
    })().catch(() => undefined)
    return () => {
      cancelled = true
    }
  }, [token, file.id])
  if (text === null) return null
  return (
    <pre
      className="mt-3 max-h-64 overflow-auto whitespace-pre-wrap break-words rounded-lg bg-slate-50 p-3 text-xs text-slate-800 dark:bg-slate-950 dark:text-slate-200"
      data-testid="text-preview"
    >
      {text}
      {file.size > TEXT_PREVIEW_BYTES ? "\n…" : ""}
    </pre>
  )
}

function Lightbox({ token, file, onClose }: { token: string; file: ShareFile; onClose: () => void }) {
  const dialogRef = useRef<HTMLDialogElement>(null)
  const t = useTranslations("recipient")
  useEffect(() => {
    const dialog = dialogRef.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])
  return (
    <dialog
      ref={dialogRef}
      onClose={onClose}
      onClick={(event) => {
        if (event.target === dialogRef.current) dialogRef.current?.close()
      }}
      aria-label={file.name}
      className="m-auto max-h-[95vh] max-w-[95vw] rounded-xl bg-white p-2 backdrop:bg-black/80 dark:bg-slate-900"
    >
      {/* eslint-disable-next-line @next/next/no-img-element */}
      <img src={previewPath(token, file.id)} alt={file.name} className="max-h-[85vh] max-w-full object-contain" />
      <div className="mt-2 flex items-center justify-between gap-3 px-1">
        <span className="truncate text-sm">{file.name}</span>
        <Button variant="secondary" size="sm" onClick={() => dialogRef.current?.close()}>
          {t("close")}
        </Button>
      </div>
    </dialog>
  )
}
