"use client"

import Link from "next/link"
import { useState, type FormEvent } from "react"
import { failureMessage, sendJson } from "@/components/account-send"
import { TEXT_LINK_CLASSES } from "@/components/auth-card"
import { Button } from "@/components/ui/button"
import { FormAlert } from "@/components/ui/form-alert"
import { EmailField, PasswordField } from "@/components/ui/text-field"

/** "Forgot password": always the same answer, whether or not the address has an account. */
export function ForgotPasswordForm() {
  const [email, setEmail] = useState("")
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
    else setError(failureMessage(result.failure))
  }

  if (sent) {
    return (
      <FormAlert tone="info">
        If an account uses {email}, a link to choose a new password is on its way. It works once, for 30 minutes.
      </FormAlert>
    )
  }
  return (
    <form method="post" noValidate onSubmit={submit} className="space-y-4">
      {error && <FormAlert>{error}</FormAlert>}
      <EmailField id="forgot-email" name="email" value={email} onChange={(event) => setEmail(event.target.value)} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Sending…" : "Send me a reset link"}
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
    else setError(failureMessage(result.failure))
  }

  if (done) {
    return (
      <div className="space-y-4">
        <FormAlert tone="info">Your password is set. Every earlier session was signed out.</FormAlert>
        <Link href="/sign-in" className={TEXT_LINK_CLASSES}>
          Sign in with your new password
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
        label="New password"
        autoComplete="new-password"
        hint="At least 8 characters."
        required
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Saving…" : submitLabel}
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
  const [error, setError] = useState<string>()
  const [done, setDone] = useState(false)
  const [pending, setPending] = useState(false)

  async function confirm() {
    setPending(true)
    setError(undefined)
    const result = await sendJson("POST", endpoint, { token })
    setPending(false)
    if (result.ok) setDone(true)
    else setError(failureMessage(result.failure))
  }

  if (done) {
    return (
      <div className="space-y-4">
        <FormAlert tone="info">{doneMessage}</FormAlert>
        <Link href="/files" className={TEXT_LINK_CLASSES}>
          Go to my files
        </Link>
      </div>
    )
  }
  return (
    <div className="space-y-4">
      {error && <FormAlert>{error}</FormAlert>}
      <Button className="w-full" onClick={confirm} disabled={pending}>
        {pending ? "Confirming…" : label}
      </Button>
    </div>
  )
}
