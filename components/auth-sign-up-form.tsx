"use client"

import Link from "next/link"
import { useTranslations } from "next-intl"
import { useState, type FormEvent, type ReactNode } from "react"
import { TEXT_LINK_CLASSES } from "@/components/auth-card"
import { Button } from "@/components/ui/button"
import { FormAlert } from "@/components/ui/form-alert"
import { EmailField, PasswordField, TextField } from "@/components/ui/text-field"
import { fieldErrorsFrom, useFieldErrors } from "@/components/ui/use-field-errors"
import { useValidationMessage } from "@/components/use-validation-message"
import { useApiErrorMessage, useRetryHint } from "@/components/use-api-error-message"
import { readApiFailure, type ApiFailure } from "@/lib/shared/api-client"
import { signInErrorKey, signInWithCredentials } from "@/lib/shared/auth-client"
import { PASSWORD_MIN_LENGTH, registerSchema } from "@/lib/shared/validations/auth"

const FIELDS = ["name", "email", "password"] as const
type Field = (typeof FIELDS)[number]
type Values = Record<Field, string>

export function SignUpForm({ callbackPath, signInHref }: { callbackPath: string; signInHref: string }) {
  const t = useTranslations("auth")
  const retryHint = useRetryHint()
  const errorMessage = useApiErrorMessage()
  const describeIssue = useValidationMessage()
  const [values, setValues] = useState<Values>({ name: "", email: "", password: "" })
  const [formError, setFormError] = useState<ReactNode>()
  const [pending, setPending] = useState(false)
  const { errors, setErrors, onBlur, onChange, validateAll } = useFieldErrors<Field, Values>(registerSchema, FIELDS)

  const update = (field: Field, value: string) => {
    const next = { ...values, [field]: value }
    setValues(next)
    onChange(field, next)
  }

  const focusField = (field: Field) => document.getElementById(`sign-up-${field}`)?.focus()

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const invalid = validateAll(values)
    if (invalid) return focusField(invalid)
    const input = registerSchema.parse(values)
    setPending(true)
    setFormError(undefined)
    try {
      const response = await fetch("/api/register", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(input),
      })
      if (!response.ok) {
        setPending(false)
        return showFailure(await readApiFailure(response))
      }
      const signedIn = await signInWithCredentials({
        email: input.email,
        password: input.password,
        callbackUrl: callbackPath,
      })
      if (signedIn.ok) {
        window.location.assign(callbackPath)
        return
      }
      setPending(false)
      const reason =
        signedIn.error === "RateLimited"
          ? t("tooManyAttempts", { retry: retryHint(signedIn.retryAfterSeconds) })
          : t(`signInErrors.${signInErrorKey(signedIn.error)}`, { provider: t("singleSignOn") })
      setFormError(
        <>
          {t("signUp.createdButNotSignedIn", { reason })}{" "}
          <Link href={signInHref} className="underline">
            {t("signUp.goToSignIn")}
          </Link>
        </>,
      )
    } catch {
      setPending(false)
      setFormError(errorMessage("network"))
    }
  }

  function showFailure(failure: ApiFailure) {
    switch (failure.code) {
      case "invalid_request": {
        const { fieldErrors, otherMessages } = fieldErrorsFrom(failure.issues, FIELDS, describeIssue)
        setErrors(fieldErrors)
        if (otherMessages.length > 0 || Object.keys(fieldErrors).length === 0)
          setFormError(otherMessages[0] ?? errorMessage(failure))
        const first = FIELDS.find((field) => fieldErrors[field])
        if (first) focusField(first)
        return
      }
      case "email_taken":
        setErrors({
          email: (
            <>
              {t("signUp.emailTaken")}{" "}
              <Link href={signInHref} className={TEXT_LINK_CLASSES}>
                {t("signUp.signInInstead")}
              </Link>
            </>
          ),
        })
        return focusField("email")
      case "registration_closed":
        return setFormError(t("signUp.closedForm"))
      case "rate_limited":
        return setFormError(t("tooManyAttempts", { retry: retryHint(failure.retryAfterSeconds) }))
      default:
        return setFormError(errorMessage(failure))
    }
  }

  // method="post": a submit that beats hydration must not put the password in the URL.
  return (
    <form method="post" noValidate onSubmit={handleSubmit} className="space-y-4">
      {formError && <FormAlert>{formError}</FormAlert>}
      <TextField
        id="sign-up-name"
        name="name"
        label={t("signUp.name")}
        optional
        autoComplete="name"
        value={values.name}
        onChange={(event) => update("name", event.target.value)}
        onBlur={() => onBlur("name", values)}
        error={errors.name}
      />
      <EmailField
        id="sign-up-email"
        name="email"
        value={values.email}
        onChange={(event) => update("email", event.target.value)}
        onBlur={() => onBlur("email", values)}
        error={errors.email}
      />
      <PasswordField
        id="sign-up-password"
        name="password"
        label={t("password")}
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN_LENGTH}
        hint={t("signUp.passwordHint", { min: PASSWORD_MIN_LENGTH })}
        value={values.password}
        onChange={(event) => update("password", event.target.value)}
        onBlur={() => onBlur("password", values)}
        error={errors.password}
      />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? t("signUp.creating") : t("signUp.submit")}
      </Button>
    </form>
  )
}
