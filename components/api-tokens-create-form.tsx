"use client"

import Link from "next/link"
import { useRouter } from "next/navigation"
import { useTranslations } from "next-intl"
import { useState, useTransition, type FormEvent, type ReactNode } from "react"
import { NewApiTokenSecret, type NewApiToken } from "@/components/api-tokens-new-secret"
import { Button } from "@/components/ui/button"
import { FormAlert } from "@/components/ui/form-alert"
import { INPUT_CLASSES, TextField } from "@/components/ui/text-field"
import { fieldErrorsFrom, useFieldErrors } from "@/components/ui/use-field-errors"
import { useValidationMessage } from "@/components/use-validation-message"
import { useApiErrorMessage } from "@/components/use-api-error-message"
import { readApiFailure } from "@/lib/shared/api-client"
import { createApiTokenSchema, TOKEN_NAME_MAX_LENGTH } from "@/lib/shared/validations/auth"

export const EXPIRY_OPTIONS = [
  { value: "7", label: "week" },
  { value: "30", label: "month" },
  { value: "90", label: "quarter" },
  { value: "365", label: "year" },
  { value: "never", label: "never" },
] as const

const DEFAULT_EXPIRY = "90"
const FIELDS = ["name", "expiresInDays"] as const
type Field = (typeof FIELDS)[number]
type Values = { name: string; expiresInDays: string }

const toInput = (values: Values) => ({
  name: values.name,
  expiresInDays: values.expiresInDays === "never" ? null : Number(values.expiresInDays),
})

export function CreateApiTokenForm({ apiOrigin }: { apiOrigin: string }) {
  const router = useRouter()
  const t = useTranslations("tokens")
  const errorMessage = useApiErrorMessage()
  const describeIssue = useValidationMessage()
  const [values, setValues] = useState<Values>({ name: "", expiresInDays: DEFAULT_EXPIRY })
  const [formError, setFormError] = useState<ReactNode>()
  const [created, setCreated] = useState<NewApiToken>()
  const [pending, setPending] = useState(false)
  const [, startTransition] = useTransition()
  const { errors, setErrors, onBlur, onChange, validateAll } = useFieldErrors<Field, Values>(
    createApiTokenSchema,
    FIELDS,
    toInput,
  )

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    if (validateAll(values)) return document.getElementById("token-name")?.focus()
    setPending(true)
    setFormError(undefined)
    try {
      const response = await fetch("/api/tokens", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(createApiTokenSchema.parse(toInput(values))),
      })
      if (response.ok) {
        const { token } = (await response.json()) as { token: NewApiToken }
        setCreated(token)
        setValues({ name: "", expiresInDays: DEFAULT_EXPIRY })
        startTransition(() => router.refresh())
      } else {
        const failure = await readApiFailure(response)
        if (failure.status === 401) {
          setFormError(
            t.rich("sessionEnded", {
              link: (text) => (
                <Link href="/sign-in?callbackUrl=%2Fsettings%2Ftokens" className="underline">
                  {text}
                </Link>
              ),
            }),
          )
        } else if (failure.code === "invalid_request") {
          const { fieldErrors, otherMessages } = fieldErrorsFrom(failure.issues, FIELDS, describeIssue)
          setErrors(fieldErrors)
          if (otherMessages.length > 0 || Object.keys(fieldErrors).length === 0)
            setFormError(otherMessages[0] ?? errorMessage(failure))
        } else {
          setFormError(errorMessage(failure))
        }
      }
    } catch {
      setFormError(errorMessage("network"))
    }
    setPending(false)
  }

  return (
    <div className="space-y-6">
      {created && <NewApiTokenSecret token={created} apiOrigin={apiOrigin} onDismiss={() => setCreated(undefined)} />}
      <section
        aria-labelledby="create-token-heading"
        className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      >
        <h2 id="create-token-heading" className="font-semibold">
          {t("createTitle")}
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{t("createIntro")}</p>
        <form noValidate onSubmit={handleSubmit} className="mt-4 space-y-4" aria-labelledby="create-token-heading">
          {formError && <FormAlert>{formError}</FormAlert>}
          <div className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start">
            <TextField
              id="token-name"
              name="name"
              label={t("name")}
              placeholder={t("namePlaceholder")}
              autoComplete="off"
              maxLength={TOKEN_NAME_MAX_LENGTH}
              required
              value={values.name}
              onChange={(event) => {
                const next = { ...values, name: event.target.value }
                setValues(next)
                onChange("name", next)
              }}
              onBlur={() => onBlur("name", values)}
              error={errors.name}
            />
            <div>
              <label htmlFor="token-expiry" className="block text-sm font-medium text-slate-700 dark:text-slate-200">
                {t("expiresAfter")}
              </label>
              <select
                id="token-expiry"
                name="expiresInDays"
                value={values.expiresInDays}
                onChange={(event) => setValues({ ...values, expiresInDays: event.target.value })}
                className={`${INPUT_CLASSES} mt-1 border-slate-300 dark:border-slate-700`}
              >
                {EXPIRY_OPTIONS.map((option) => (
                  <option key={option.value} value={option.value}>
                    {t(`expiry.${option.label}`)}
                  </option>
                ))}
              </select>
            </div>
            <Button type="submit" disabled={pending} className="sm:mt-6">
              {pending ? t("creating") : t("create")}
            </Button>
          </div>
          {values.expiresInDays === "never" && (
            <p className="text-xs text-amber-700 dark:text-amber-400">{t("neverWarning")}</p>
          )}
        </form>
      </section>
    </div>
  )
}
