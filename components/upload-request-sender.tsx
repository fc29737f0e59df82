"use client"

import { useTranslations } from "next-intl"
import { useState, type FormEvent } from "react"
import type { UploadSettings } from "@/components/file-uploader"
import { FileUploaderLoader } from "@/components/file-uploader-loader"
import { Button } from "@/components/ui/button"
import { FormAlert } from "@/components/ui/form-alert"
import { INPUT_CLASSES } from "@/components/ui/text-field"
import { useApiErrorMessage, useRetryHint } from "@/components/use-api-error-message"
import { readApiFailure } from "@/lib/shared/api-client"
import { UPLOAD_SESSION_HEADER } from "@/lib/shared/validations/upload-requests"
import type { UploadSessionResponseWire } from "@/lib/shared/wire/upload-requests"

type Props = {
  token: string
  settings: UploadSettings
  passwordRequired: boolean
  maxNumberOfFiles: number
  allowedFileTypes: string[]
  note: string
}

/**
 * The sender's side of an upload request: a password first when the link has one, exchanged once
 * for an upload session (POST /api/r/<token>/session), then the dashboard, talking to
 * /api/r/<token>/uploads with the session in a header: the password is hashed once, not per call.
 */
export function UploadRequestSender({
  token,
  settings,
  passwordRequired,
  maxNumberOfFiles,
  allowedFileTypes,
  note,
}: Props) {
  const t = useTranslations("requestSend")
  const retryHint = useRetryHint()
  const errorMessage = useApiErrorMessage()
  // "" for a link without a password: no session needed.
  const [session, setSession] = useState<string | undefined>(passwordRequired ? undefined : "")
  const [draft, setDraft] = useState("")
  const [error, setError] = useState<string>()
  const [checking, setChecking] = useState(false)

  async function unlock(event: FormEvent) {
    event.preventDefault()
    setChecking(true)
    setError(undefined)
    try {
      const response = await fetch(`/api/r/${token}/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ password: draft }),
      })
      if (response.ok) {
        const { session: unlocked } = (await response.json()) as UploadSessionResponseWire
        setSession(unlocked.token)
        return
      }
      const failure = await readApiFailure(response)
      if (failure.code === "wrong_password" || failure.code === "password_required") setError(t("wrongPassword"))
      else if (failure.status === 429) setError(t("tooManyPasswords", { retry: retryHint(failure.retryAfterSeconds) }))
      else setError(errorMessage(failure))
    } catch {
      setError(errorMessage("network"))
    } finally {
      setChecking(false)
    }
  }

  if (session === undefined) {
    return (
      <form onSubmit={unlock} className="space-y-4" noValidate>
        <div>
          <label htmlFor="request-password" className="block text-sm font-medium text-slate-700 dark:text-slate-200">
            {t("password")}
          </label>
          <input
            id="request-password"
            type="password"
            required
            autoComplete="off"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "request-password-error" : undefined}
            className={`${INPUT_CLASSES} mt-1 border-slate-300 dark:border-slate-700`}
          />
        </div>
        {error && (
          <div id="request-password-error">
            <FormAlert>{error}</FormAlert>
          </div>
        )}
        <Button type="submit" disabled={checking || draft === ""}>
          {checking ? t("checking") : t("continue")}
        </Button>
      </form>
    )
  }

  return (
    <FileUploaderLoader
      settings={settings}
      note={note}
      target={{
        apiBase: `/api/r/${token}/uploads`,
        headers: session ? { [UPLOAD_SESSION_HEADER]: session } : undefined,
        renewableHeader: session ? UPLOAD_SESSION_HEADER : undefined,
        maxNumberOfFiles,
        allowedFileTypes,
        id: `valet-request-${token.slice(0, 12)}`,
      }}
    />
  )
}
