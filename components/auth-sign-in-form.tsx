"use client"

import Link from "next/link"
import { useTranslations } from "next-intl"
import { signIn } from "next-auth/react"
import { useRef, useState, type FormEvent } from "react"
import { TEXT_LINK_CLASSES } from "@/components/auth-card"
import { Button } from "@/components/ui/button"
import { FormAlert } from "@/components/ui/form-alert"
import { EmailField, PasswordField, TextField } from "@/components/ui/text-field"
import { useFieldErrors } from "@/components/ui/use-field-errors"
import { useApiErrorMessage, useRetryHint } from "@/components/use-api-error-message"
import { signInErrorKey, signInWithCredentials } from "@/lib/shared/auth-client"
import { signInSchema } from "@/lib/shared/validations/auth"

const FIELDS = ["email", "password"] as const
type Values = Record<(typeof FIELDS)[number], string>

type SignInFormProps = {
  /** Already sanitised on the server (postSignInPath). */
  callbackPath: string
  /** Display name of the OIDC provider, when one is configured. */
  oidcProviderName?: string
  /** A message from next-auth's redirect back here (`?error=`), e.g. after a failed OIDC sign-in. */
  initialError?: string
}

export function SignInForm({ callbackPath, oidcProviderName, initialError }: SignInFormProps) {
  const t = useTranslations("auth")
  const retryHint = useRetryHint()
  const errorMessage = useApiErrorMessage()
  const [values, setValues] = useState<Values>({ email: "", password: "" })
  const [formError, setFormError] = useState(initialError)
  const [pending, setPending] = useState<"credentials" | "oidc" | undefined>()
  // Accounts with two-factor sign-in: next-auth refused with OtpRequired, so the form asks for a code.
  const [needsCode, setNeedsCode] = useState(false)
  const [code, setCode] = useState("")
  const passwordRef = useRef<HTMLInputElement>(null)
  const codeRef = useRef<HTMLInputElement>(null)
  const { errors, onBlur, onChange, validateAll } = useFieldErrors<(typeof FIELDS)[number], Values>(
    signInSchema,
    FIELDS,
  )

  const update = (field: keyof Values, value: string) => {
    const next = { ...values, [field]: value }
    setValues(next)
    onChange(field, next)
  }

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const invalid = validateAll(values)
    if (invalid) {
      document.getElementById(`sign-in-${invalid}`)?.focus()
      return
    }
    setPending("credentials")
    setFormError(undefined)
    try {
      const result = await signInWithCredentials({
        ...signInSchema.parse(values),
        otp: needsCode ? code.trim() : undefined,
        callbackUrl: callbackPath,
      })
      if (result.ok) {
        // A full load, so the header and every server component render as the new user.
        window.location.assign(callbackPath)
        return
      }
      if (result.error === "OtpRequired") {
        setNeedsCode(true)
        setFormError(undefined)
        setPending(undefined)
        return
      }
      setFormError(
        result.error === "RateLimited"
          ? t("tooManyAttempts", { retry: retryHint(result.retryAfterSeconds) })
          : t(`signInErrors.${signInErrorKey(result.error)}`, { provider: oidcProviderName ?? t("singleSignOn") }),
      )
      if (result.error === "OtpInvalid") {
        setCode("")
        codeRef.current?.focus()
      }
      if (result.error === "CredentialsSignin") {
        setValues((current) => ({ ...current, password: "" }))
        passwordRef.current?.focus()
      }
    } catch {
      setFormError(errorMessage("network"))
    }
    setPending(undefined)
  }

  function continueWithOidc() {
    setPending("oidc")
    setFormError(undefined)
    // Leaves the page for the identity provider; it only resolves if that fails to start.
    signIn("oidc", { callbackUrl: callbackPath }).catch(() => {
      setPending(undefined)
      setFormError(errorMessage("network"))
    })
  }

  return (
    <div className="space-y-5">
      {formError && <FormAlert>{formError}</FormAlert>}
      {oidcProviderName && (
        <>
          <Button variant="secondary" className="w-full" onClick={continueWithOidc} disabled={pending !== undefined}>
            {pending === "oidc" ? t("signIn.redirecting") : t("signIn.continueWith", { provider: oidcProviderName })}
          </Button>
          <div className="flex items-center gap-3 text-xs uppercase tracking-wide text-slate-400" aria-hidden="true">
            <span className="h-px flex-1 bg-slate-200 dark:bg-slate-800" />
            {t("signIn.or")}
            <span className="h-px flex-1 bg-slate-200 dark:bg-slate-800" />
          </div>
        </>
      )}
      {/* method="post": a submit that beats hydration must not put the password in the URL. */}
      <form method="post" noValidate onSubmit={handleSubmit} className="space-y-4">
        <EmailField
          id="sign-in-email"
          name="email"
          value={values.email}
          onChange={(event) => update("email", event.target.value)}
          onBlur={() => onBlur("email", values)}
          error={errors.email}
        />
        <PasswordField
          ref={passwordRef}
          id="sign-in-password"
          name="password"
          label={t("password")}
          autoComplete="current-password"
          required
          value={values.password}
          onChange={(event) => update("password", event.target.value)}
          onBlur={() => onBlur("password", values)}
          error={errors.password}
        />
        {needsCode && (
          <TextField
            ref={codeRef}
            id="sign-in-otp"
            // Mounted when next-auth asks for the code: where the person types next.
            autoFocus
            name="otp"
            label={t("signIn.otpLabel")}
            hint={t("signIn.otpHint")}
            autoComplete="one-time-code"
            inputMode="text"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        )}
        <Button type="submit" className="w-full" disabled={pending !== undefined}>
          {pending === "credentials" ? t("signIn.signingIn") : needsCode ? t("signIn.verify") : t("signIn.submit")}
        </Button>
        <p className="text-center text-sm">
          <Link href="/forgot-password" className={TEXT_LINK_CLASSES}>
            {t("signIn.forgot")}
          </Link>
        </p>
      </form>
    </div>
  )
}
