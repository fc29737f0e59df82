"use client"

import { useRouter } from "next/navigation"
import { useTranslations } from "next-intl"
import { useState, type FormEvent, type ReactNode } from "react"
import { sendJson } from "@/components/account-send"
import { Button } from "@/components/ui/button"
import { FormAlert } from "@/components/ui/form-alert"
import { EmailField, PasswordField, TextField } from "@/components/ui/text-field"
import { useApiErrorMessage } from "@/components/use-api-error-message"
import { PASSWORD_MIN_LENGTH } from "@/lib/shared/validations/auth"

type Status = { tone: "error" | "info"; text: ReactNode } | undefined

/** A settings form's pending flag and message, and a submit that runs one API call. */
function useSettingsForm() {
  const t = useTranslations("settings.forms")
  const errorMessage = useApiErrorMessage()
  const [status, setStatus] = useState<Status>()
  const [pending, setPending] = useState(false)
  const run = async (work: () => Promise<Status>) => {
    setPending(true)
    setStatus(undefined)
    setStatus(await work())
    setPending(false)
  }
  return { status, pending, run, t, errorMessage }
}

const SECTION_FORM = "space-y-4"

export function NameForm({ initialName }: { initialName: string }) {
  const router = useRouter()
  const [name, setName] = useState(initialName)
  const { status, pending, run, t, errorMessage } = useSettingsForm()
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    void run(async () => {
      const result = await sendJson("PATCH", "/api/account", { name })
      if (!result.ok) return { tone: "error", text: errorMessage(result.failure) }
      router.refresh()
      return { tone: "info", text: t("nameSaved") }
    })
  }
  return (
    <form noValidate onSubmit={submit} className={SECTION_FORM}>
      {status && <FormAlert tone={status.tone}>{status.text}</FormAlert>}
      <TextField
        id="settings-name"
        label={t("name")}
        optional
        autoComplete="name"
        maxLength={100}
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? t("saving") : t("saveName")}
      </Button>
    </form>
  )
}

export function EmailChangeForm({ hasPassword, mailAvailable }: { hasPassword: boolean; mailAvailable: boolean }) {
  const [email, setEmail] = useState("")
  const [currentPassword, setCurrentPassword] = useState("")
  const { status, pending, run, t, errorMessage } = useSettingsForm()
  if (!mailAvailable) return <FormAlert>{t("emailNoMail")}</FormAlert>
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    void run(async () => {
      const result = await sendJson("POST", "/api/account/email", {
        email,
        ...(hasPassword ? { currentPassword } : {}),
      })
      if (!result.ok) return { tone: "error", text: errorMessage(result.failure) }
      setCurrentPassword("")
      return { tone: "info", text: t("emailSent", { email }) }
    })
  }
  return (
    <form noValidate onSubmit={submit} className={SECTION_FORM}>
      {status && <FormAlert tone={status.tone}>{status.text}</FormAlert>}
      <EmailField
        id="settings-new-email"
        name="new-email"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        hint={t("emailHint")}
      />
      {hasPassword && (
        <PasswordField
          id="settings-email-password"
          label={t("currentPassword")}
          autoComplete="current-password"
          required
          value={currentPassword}
          onChange={(event) => setCurrentPassword(event.target.value)}
        />
      )}
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? t("sending") : t("changeEmail")}
      </Button>
    </form>
  )
}

export function PasswordChangeForm() {
  const [currentPassword, setCurrentPassword] = useState("")
  const [newPassword, setNewPassword] = useState("")
  const { status, pending, run, t, errorMessage } = useSettingsForm()
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    void run(async () => {
      const result = await sendJson("POST", "/api/account/password", { currentPassword, newPassword })
      if (!result.ok) return { tone: "error", text: errorMessage(result.failure) }
      setCurrentPassword("")
      setNewPassword("")
      return { tone: "info", text: t("passwordChanged") }
    })
  }
  return (
    <form noValidate onSubmit={submit} className={SECTION_FORM}>
      {status && <FormAlert tone={status.tone}>{status.text}</FormAlert>}
      <PasswordField
        id="settings-current-password"
        label={t("currentPassword")}
        autoComplete="current-password"
        required
        value={currentPassword}
        onChange={(event) => setCurrentPassword(event.target.value)}
      />
      <PasswordField
        id="settings-new-password"
        label={t("newPassword")}
        autoComplete="new-password"
        hint={t("passwordMin", { min: PASSWORD_MIN_LENGTH })}
        required
        value={newPassword}
        onChange={(event) => setNewPassword(event.target.value)}
      />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? t("saving") : t("changePassword")}
      </Button>
    </form>
  )
}

/**
 * Ends every session of the account, this one included, then lands on the sign-in page. With a
 * className it is a plain button (the account menu's item look); otherwise a secondary Button.
 */
export function SignOutEverywhereButton({ className }: { className?: string }) {
  const t = useTranslations("settings.forms")
  const errorMessage = useApiErrorMessage()
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string>()
  const signOutEverywhere = async () => {
    setPending(true)
    const result = await sendJson("DELETE", "/api/account/sessions")
    if (result.ok || result.failure.status === 401) {
      // A full load: the header and every server component must render signed out.
      window.location.assign(new URL("/sign-in", window.location.origin).href)
      return
    }
    setError(errorMessage(result.failure))
    setPending(false)
  }
  const label = pending ? t("signingOut") : t("signOutEverywhere")
  return (
    <>
      {error && <FormAlert>{error}</FormAlert>}
      {className ? (
        <button type="button" className={className} onClick={signOutEverywhere} disabled={pending}>
          {label}
        </button>
      ) : (
        <Button variant="secondary" onClick={signOutEverywhere} disabled={pending}>
          {label}
        </Button>
      )}
    </>
  )
}

/** Resends the verification mail from the banner. */
export function ResendVerificationButton() {
  const { status, pending, run, t, errorMessage } = useSettingsForm()
  if (status?.tone === "info") return <span>{status.text}</span>
  return (
    <>
      {status && <span className="text-red-700 dark:text-red-300">{status.text} </span>}
      <button
        type="button"
        className="font-medium underline underline-offset-2"
        disabled={pending}
        onClick={() =>
          void run(async () => {
            const result = await sendJson("POST", "/api/account/verify-email")
            return result.ok
              ? { tone: "info", text: t("resent") }
              : { tone: "error", text: errorMessage(result.failure) }
          })
        }
      >
        {pending ? t("sending") : t("resend")}
      </button>
    </>
  )
}
