"use client"

import Link from "next/link"
import { useTranslations } from "next-intl"
import { useState, type FormEvent } from "react"
import { sendJson } from "@/components/account-send"
import { TEXT_LINK_CLASSES } from "@/components/auth-card"
import { Button } from "@/components/ui/button"
import { FormAlert } from "@/components/ui/form-alert"
import { EmailField, PasswordField } from "@/components/ui/text-field"
import { useApiErrorMessage } from "@/components/use-api-error-message"
import { PASSWORD_MIN_LENGTH } from "@/lib/shared/validations/auth"

/** "Forgot password": always the same answer, whether or not the address has an account. */
export function ForgotPasswordForm() {
  const [email, setEmail] = useState("")
  const t = useTranslations("auth")
  const errorMessage = useApiErrorMessage()
  const [error, setError] = useState<string>()
  const [sent, setSent] = useState(false)
  const [pending, setPending] = useState(false)

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    setPending(true)
    setError(undefined)
    const result = await sendJson("POST", "/api/password-reset", { email })
    setPending(false)
    if (result.ok) setSent(true)
    else setError(errorMessage(result.failure))
  }

  if (sent) {
    return <FormAlert tone="info">{t("forgot.sent", { email })}</FormAlert>
  }
  return (
    <form method="post" noValidate onSubmit={submit} className="space-y-4">
      {error && <FormAlert>{error}</FormAlert>}
      <EmailField id="forgot-email" name="email" value={email} onChange={(event) => setEmail(event.target.value)} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? t("forgot.sending") : t("forgot.submit")}
      </Button>
    </form>
  )
}

/** Choose a password from a mailed link: a reset or an invitation. */
export function PasswordLinkForm({
  token,
  endpoint,
  submitLabel,
}: {
  token: string
  endpoint: string
  submitLabel: string
}) {
  const [password, setPassword] = useState("")
  const t = useTranslations("auth")
  const errorMessage = useApiErrorMessage()
  const [error, setError] = useState<string>()
  const [done, setDone] = useState(false)
  const [pending, setPending] = useState(false)

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    setPending(true)
    setError(undefined)
    const result = await sendJson("POST", endpoint, { token, password })
    setPending(false)
    if (result.ok) setDone(true)
    else setError(errorMessage(result.failure))
  }

  if (done) {
    return (
      <div className="space-y-4">
        <FormAlert tone="info">{t("passwordSet")}</FormAlert>
        <Link href="/sign-in" className={TEXT_LINK_CLASSES}>
          {t("signInWithNew")}
        </Link>
      </div>
    )
  }
  return (
    <form method="post" noValidate onSubmit={submit} className="space-y-4">
      {error && <FormAlert>{error}</FormAlert>}
      <PasswordField
        id="new-password"
        name="password"
        label={t("newPassword")}
        autoComplete="new-password"
        hint={t("passwordMin", { min: PASSWORD_MIN_LENGTH })}
        required
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? t("saving") : submitLabel}
      </Button>
    </form>
  )
}

/**
 * Confirms a mailed link with a click rather than on page load: mail scanners that open every
 * link must not spend a single-use token.
 */
export function ConfirmLinkButton({
  token,
  endpoint,
  label,
  doneMessage,
}: {
  token: string
  endpoint: string
  label: string
  doneMessage: string
}) {
  const t = useTranslations("auth")
  const errorMessage = useApiErrorMessage()
  const [error, setError] = useState<string>()
  const [done, setDone] = useState(false)
  const [pending, setPending] = useState(false)

  async function confirm() {
    setPending(true)
    setError(undefined)
    const result = await sendJson("POST", endpoint, { token })
    setPending(false)
    if (result.ok) setDone(true)
    else setError(errorMessage(result.failure))
  }

  if (done) {
    return (
      <div className="space-y-4">
        <FormAlert tone="info">{doneMessage}</FormAlert>
        <Link href="/files" className={TEXT_LINK_CLASSES}>
          {t("goToFiles")}
        </Link>
      </div>
    )
  }
  return (
    <div className="space-y-4">
      {error && <FormAlert>{error}</FormAlert>}
      <Button className="w-full" onClick={confirm} disabled={pending}>
        {pending ? t("confirming") : label}
      </Button>
    </div>
  )
}
