"use client"

import { useState, type FormEvent } from "react"
import type { UploadSettings } from "@/components/file-uploader"
import { FileUploaderLoader } from "@/components/file-uploader-loader"
import { Button } from "@/components/ui/button"
import { FormAlert } from "@/components/ui/form-alert"
import { INPUT_CLASSES } from "@/components/ui/text-field"
import { NETWORK_ERROR_MESSAGE, readApiFailure, retryHint } from "@/lib/api-client"
import { UPLOAD_PASSWORD_HEADER } from "@/lib/validations/upload-requests"

type Props = {
  token: string
  settings: UploadSettings
  passwordRequired: boolean
  maxNumberOfFiles: number
  allowedFileTypes: string[]
  note: string
}

/**
 * The sender's side of an upload request: a password first when the link has one, then the
 * dashboard, talking to /api/r/<token>/uploads with the password in a header on every call.
 */
export function UploadRequestSender({ token, settings, passwordRequired, maxNumberOfFiles, allowedFileTypes, note }: Props) {
  const [password, setPassword] = useState<string | undefined>(passwordRequired ? undefined : "")
  const [draft, setDraft] = useState("")
  const [error, setError] = useState<string>()
  const [checking, setChecking] = useState(false)

  async function unlock(event: FormEvent) {
    event.preventDefault()
    setChecking(true)
    setError(undefined)
    try {
      // A check that mints nothing: 204 when right, so a right password logs no error.
      const response = await fetch(`/api/r/${token}/password`, { method: "POST", headers: { [UPLOAD_PASSWORD_HEADER]: draft } })
      const failure = response.ok ? undefined : await readApiFailure(response)
      if (!failure) setPassword(draft)
      else if (failure.code === "wrong_password" || failure.code === "password_required") setError("That password is not right.")
      else if (failure.status === 429) setError(`Too many wrong passwords. ${retryHint(failure.retryAfterSeconds)}`)
      else setError(failure.message)
    } catch {
      setError(NETWORK_ERROR_MESSAGE)
    } finally {
      setChecking(false)
    }
  }

  if (password === undefined) {
    return (
      <form onSubmit={unlock} className="space-y-4" noValidate>
        <div>
          <label htmlFor="request-password" className="block text-sm font-medium text-slate-700 dark:text-slate-200">
            Password
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
          {checking ? "Checking…" : "Continue"}
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
        headers: password ? { [UPLOAD_PASSWORD_HEADER]: password } : undefined,
        maxNumberOfFiles,
        allowedFileTypes,
        id: `valet-request-${token.slice(0, 12)}`,
      }}
    />
  )
}
