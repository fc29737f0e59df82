"use client"

import { useTranslations } from "next-intl"
import { useRouter } from "next/navigation"
import { useState, type FormEvent } from "react"
import { Button } from "@/components/ui/button"
import { CopyButton } from "@/components/ui/copy-button"
import { FormAlert } from "@/components/ui/form-alert"
import { QrCode } from "@/components/ui/qr-code"
import { INPUT_CLASSES } from "@/components/ui/text-field"
import { useApiErrorMessage } from "@/components/use-api-error-message"
import { readApiFailure } from "@/lib/shared/api-client"
import { GIB, MIB } from "@/lib/shared/upload-layout"
import type { CreatedUploadRequestWire } from "@/lib/shared/wire/upload-requests"

const EXPIRY_PRESETS = [
  { label: "day", seconds: 86_400 },
  { label: "week", seconds: 7 * 86_400 },
  { label: "month", seconds: 30 * 86_400 },
  { label: "never", seconds: null },
] as const

const FIELD = `${INPUT_CLASSES} mt-1 border-slate-300 dark:border-slate-700`
const LABEL = "block text-sm font-medium text-slate-700 dark:text-slate-200"

/** Creates an upload request; the link is shown once (only its hash is kept), with copy and QR. */
export function UploadRequestCreateForm({ maxFileSizeCap }: { maxFileSizeCap: number }) {
  const t = useTranslations("requests")
  const errorMessage = useApiErrorMessage()
  const router = useRouter()
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string>()
  const [created, setCreated] = useState<{ title: string; url: string }>()

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    // Kept now: after an await, event.currentTarget is null and the form could not be cleared.
    const formElement = event.currentTarget
    const form = new FormData(formElement)
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
      const response = await fetch("/api/upload-requests", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      })
      if (!response.ok) {
        setError(errorMessage(await readApiFailure(response)))
        return
      }
      const { uploadRequest } = (await response.json()) as CreatedUploadRequestWire
      setCreated(uploadRequest)
      // Every field, the password included: a second click must not make a duplicate link.
      formElement.reset()
      router.refresh()
    } catch {
      setError(errorMessage("network"))
    } finally {
      setPending(false)
    }
  }

  return (
    <div className="space-y-6">
      {created && (
        <div
          role="status"
          className="space-y-3 rounded-xl border border-brand-200 bg-brand-50 p-5 dark:border-brand-800 dark:bg-slate-900"
        >
          <h3 className="font-semibold">{t("createdTitle", { title: created.title })}</h3>
          <p className="text-sm text-slate-600 dark:text-slate-300">{t("createdBody")}</p>
          <div className="flex flex-wrap items-center gap-3">
            <input
              readOnly
              value={created.url}
              aria-label={t("newLink")}
              className={`${FIELD} mt-0 max-w-xl flex-1 font-mono text-xs`}
            />
            <CopyButton text={created.url} label={t("copyLink")} />
          </div>
          <QrCode value={created.url} label={t("qr")} className="h-40 w-40 rounded border border-slate-200 bg-white" />
        </div>
      )}
      <form onSubmit={submit} className="grid gap-4 sm:grid-cols-2" aria-label={t("newRequest")}>
        <div className="sm:col-span-2">
          <label htmlFor="request-title" className={LABEL}>
            {t("fieldTitle")}
          </label>
          <input
            id="request-title"
            name="title"
            required
            maxLength={120}
            placeholder={t("titlePlaceholder")}
            className={FIELD}
          />
        </div>
        <div className="sm:col-span-2">
          <label htmlFor="request-message" className={LABEL}>
            {t("message")} <span className="font-normal text-slate-500 dark:text-slate-400">{t("optional")}</span>
          </label>
          <textarea id="request-message" name="message" maxLength={2000} rows={2} className={FIELD} />
        </div>
        <div>
          <label htmlFor="request-expiry" className={LABEL}>
            {t("openFor")}
          </label>
          <select id="request-expiry" name="expiry" defaultValue="1" className={FIELD}>
            {EXPIRY_PRESETS.map((preset, index) => (
              <option key={preset.label} value={index}>
                {t(`expiry.${preset.label}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="request-max-files" className={LABEL}>
            {t("maxFiles")}
          </label>
          <input
            id="request-max-files"
            name="maxFiles"
            type="number"
            min={1}
            max={1000}
            defaultValue={10}
            required
            className={FIELD}
          />
        </div>
        <div>
          <label htmlFor="request-max-file-size" className={LABEL}>
            {t("maxFileSize")}
          </label>
          <input
            id="request-max-file-size"
            name="maxFileSizeMiB"
            type="number"
            min={1}
            max={Math.floor(maxFileSizeCap / MIB)}
            defaultValue={1024}
            required
            className={FIELD}
          />
        </div>
        <div>
          <label htmlFor="request-max-total" className={LABEL}>
            {t("maxTotal")}
          </label>
          <input
            id="request-max-total"
            name="maxTotalSizeGiB"
            type="number"
            min={1}
            max={1024}
            defaultValue={5}
            required
            className={FIELD}
          />
        </div>
        <div>
          <label htmlFor="request-types" className={LABEL}>
            {t("types")} <span className="font-normal text-slate-500 dark:text-slate-400">{t("optional")}</span>
          </label>
          <input
            id="request-types"
            name="allowedTypes"
            placeholder={t("typesPlaceholder")}
            aria-describedby="request-types-hint"
            className={FIELD}
          />
          <p id="request-types-hint" className="mt-1 text-xs text-slate-500 dark:text-slate-400">
            {t("typesHint")}
          </p>
        </div>
        <div>
          <label htmlFor="request-password" className={LABEL}>
            {t("password")} <span className="font-normal text-slate-500 dark:text-slate-400">{t("optional")}</span>
          </label>
          <input id="request-password" name="password" type="password" autoComplete="new-password" className={FIELD} />
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
    </div>
  )
}
