"use client"

import { useRouter } from "next/navigation"
import { useState, type FormEvent } from "react"
import { Button } from "@/components/ui/button"
import { CopyButton } from "@/components/ui/copy-button"
import { FormAlert } from "@/components/ui/form-alert"
import { QrCode } from "@/components/ui/qr-code"
import { INPUT_CLASSES } from "@/components/ui/text-field"
import { NETWORK_ERROR_MESSAGE, readApiFailure } from "@/lib/api-client"
import { GIB, MIB } from "@/lib/upload-layout"

const EXPIRY_PRESETS = [
  { label: "1 day", seconds: 86_400 },
  { label: "7 days", seconds: 7 * 86_400 },
  { label: "30 days", seconds: 30 * 86_400 },
  { label: "Never (until closed)", seconds: null },
] as const

const FIELD = `${INPUT_CLASSES} mt-1 border-slate-300 dark:border-slate-700`
const LABEL = "block text-sm font-medium text-slate-700 dark:text-slate-200"

/** Creates an upload request; the link is shown once (only its hash is kept), with copy and QR. */
export function UploadRequestCreateForm({ maxFileSizeCap }: { maxFileSizeCap: number }) {
  const router = useRouter()
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string>()
  const [created, setCreated] = useState<{ title: string; url: string }>()

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const expiry = EXPIRY_PRESETS[Number(form.get("expiry"))]
    const body = {
      title: String(form.get("title") ?? ""),
      message: String(form.get("message") ?? ""),
      expiresIn: expiry?.seconds ?? null,
      maxFiles: Number(form.get("maxFiles")),
      maxFileSize: Math.min(Number(form.get("maxFileSizeMiB")) * MIB, maxFileSizeCap),
      maxTotalSize: Number(form.get("maxTotalSizeGiB")) * GIB,
      allowedTypes: String(form.get("allowedTypes") ?? "")
        .split(",")
        .map((type) => type.trim())
        .filter(Boolean),
      password: String(form.get("password") ?? ""),
    }
    setPending(true)
    setError(undefined)
    try {
      const response = await fetch("/api/upload-requests", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
      if (!response.ok) {
        const failure = await readApiFailure(response)
        setError(failure.issues[0] ? `${failure.issues[0].path}: ${failure.issues[0].message}` : failure.message)
        return
      }
      const { uploadRequest } = (await response.json()) as { uploadRequest: { title: string; url: string } }
      setCreated(uploadRequest)
      event.currentTarget?.reset()
      router.refresh()
    } catch {
      setError(NETWORK_ERROR_MESSAGE)
    } finally {
      setPending(false)
    }
  }

  return (
    <div className="space-y-6">
      {created && (
        <div role="status" className="space-y-3 rounded-xl border border-brand-200 bg-brand-50 p-5 dark:border-brand-900 dark:bg-slate-900">
          <h3 className="font-semibold">Your link for “{created.title}”</h3>
          <p className="text-sm text-slate-600 dark:text-slate-300">Copy it now: Valet keeps only a fingerprint of it and cannot show it again.</p>
          <div className="flex flex-wrap items-center gap-3">
            <input readOnly value={created.url} aria-label="New upload link" className={`${FIELD} mt-0 max-w-xl flex-1 font-mono text-xs`} />
            <CopyButton text={created.url} label="Copy link" />
          </div>
          <QrCode value={created.url} label="QR code of the upload link" className="h-40 w-40 rounded border border-slate-200 bg-white" />
        </div>
      )}
      <form onSubmit={submit} className="grid gap-4 sm:grid-cols-2" aria-label="New upload request">
        <div className="sm:col-span-2">
          <label htmlFor="request-title" className={LABEL}>Title</label>
          <input id="request-title" name="title" required maxLength={120} placeholder="Photos from the trip" className={FIELD} />
        </div>
        <div className="sm:col-span-2">
          <label htmlFor="request-message" className={LABEL}>Message <span className="font-normal text-slate-500 dark:text-slate-400">(optional)</span></label>
          <textarea id="request-message" name="message" maxLength={2000} rows={2} className={FIELD} />
        </div>
        <div>
          <label htmlFor="request-expiry" className={LABEL}>Open for</label>
          <select id="request-expiry" name="expiry" defaultValue="1" className={FIELD}>
            {EXPIRY_PRESETS.map((preset, index) => (
              <option key={preset.label} value={index}>{preset.label}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="request-max-files" className={LABEL}>Files at most</label>
          <input id="request-max-files" name="maxFiles" type="number" min={1} max={1000} defaultValue={10} required className={FIELD} />
        </div>
        <div>
          <label htmlFor="request-max-file-size" className={LABEL}>Size per file at most (MiB)</label>
          <input id="request-max-file-size" name="maxFileSizeMiB" type="number" min={1} max={Math.floor(maxFileSizeCap / MIB)} defaultValue={1024} required className={FIELD} />
        </div>
        <div>
          <label htmlFor="request-max-total" className={LABEL}>Total at most (GiB)</label>
          <input id="request-max-total" name="maxTotalSizeGiB" type="number" min={1} max={1024} defaultValue={5} required className={FIELD} />
        </div>
        <div>
          <label htmlFor="request-types" className={LABEL}>Accepted types <span className="font-normal text-slate-500 dark:text-slate-400">(optional)</span></label>
          <input id="request-types" name="allowedTypes" placeholder="image/*, application/pdf" aria-describedby="request-types-hint" className={FIELD} />
          <p id="request-types-hint" className="mt-1 text-xs text-slate-500 dark:text-slate-400">Comma-separated media types; empty accepts any.</p>
        </div>
        <div>
          <label htmlFor="request-password" className={LABEL}>Password <span className="font-normal text-slate-500 dark:text-slate-400">(optional)</span></label>
          <input id="request-password" name="password" type="password" autoComplete="new-password" className={FIELD} />
        </div>
        {error && (
          <div className="sm:col-span-2">
            <FormAlert>{error}</FormAlert>
          </div>
        )}
        <div className="sm:col-span-2">
          <Button type="submit" disabled={pending}>{pending ? "Creating…" : "Create link"}</Button>
        </div>
      </form>
    </div>
  )
}
