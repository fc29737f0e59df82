"use client"

import { useRouter } from "next/navigation"
import { useTranslations } from "next-intl"
import { useState, type FormEvent } from "react"
import { sendJson } from "@/components/account-send"
import { Button } from "@/components/ui/button"
import { CopyButton } from "@/components/ui/copy-button"
import { FormAlert } from "@/components/ui/form-alert"
import { QrCode } from "@/components/ui/qr-code"
import { PasswordField, TextField } from "@/components/ui/text-field"
import { useApiErrorMessage } from "@/components/use-api-error-message"
import type { RecoveryCodesWire, TotpEnrolmentWire } from "@/lib/shared/wire/account"

type Step = { kind: "idle" } | { kind: "enrolling"; secret: string; uri: string } | { kind: "codes"; codes: string[] }

/** Turn two-factor sign-in on (QR code, then a code) or off (current password). */
export function TwoFactorSettings({
  enabled,
  recoveryCodesLeft,
  hasPassword,
}: {
  enabled: boolean
  recoveryCodesLeft: number
  hasPassword: boolean
}) {
  const router = useRouter()
  const t = useTranslations("settings.twoFactor")
  const errorMessage = useApiErrorMessage()
  const [step, setStep] = useState<Step>({ kind: "idle" })
  const [code, setCode] = useState("")
  const [password, setPassword] = useState("")
  const [error, setError] = useState<string>()
  const [pending, setPending] = useState(false)

  const begin = async () => {
    setPending(true)
    setError(undefined)
    const result = await sendJson("POST", "/api/account/totp")
    setPending(false)
    if (!result.ok) return setError(errorMessage(result.failure))
    const { secret, uri } = (await result.response.json()) as TotpEnrolmentWire
    setStep({ kind: "enrolling", secret, uri })
  }

  const confirm = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    setPending(true)
    setError(undefined)
    const result = await sendJson("POST", "/api/account/totp/confirm", { code: code.replace(/\s/g, "") })
    setPending(false)
    if (!result.ok) return setError(errorMessage(result.failure))
    const { recoveryCodes } = (await result.response.json()) as RecoveryCodesWire
    setCode("")
    setStep({ kind: "codes", codes: recoveryCodes })
  }

  const disable = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    setPending(true)
    setError(undefined)
    const result = await sendJson("DELETE", "/api/account/totp", { currentPassword: password })
    setPending(false)
    if (!result.ok) return setError(errorMessage(result.failure))
    setPassword("")
    router.refresh()
  }

  if (step.kind === "codes") {
    return (
      <div className="space-y-4">
        <FormAlert tone="info">{t("onCodes")}</FormAlert>
        <ul
          aria-label={t("codes")}
          className="grid grid-cols-2 gap-2 rounded-lg bg-slate-50 p-4 font-mono text-sm dark:bg-slate-800"
        >
          {step.codes.map((recovery) => (
            <li key={recovery}>{recovery}</li>
          ))}
        </ul>
        <div className="flex flex-wrap gap-2">
          <CopyButton text={step.codes.join("\n")} label={t("copyCodes")} />
          <Button variant="secondary" onClick={() => (setStep({ kind: "idle" }), router.refresh())}>
            {t("saved")}
          </Button>
        </div>
      </div>
    )
  }

  if (step.kind === "enrolling") {
    return (
      <form noValidate onSubmit={confirm} className="space-y-4">
        {error && <FormAlert>{error}</FormAlert>}
        <p className="text-sm text-slate-600 dark:text-slate-300">{t("scan")}</p>
        <QrCode
          value={step.uri}
          label={t("qr")}
          className="h-44 w-44 rounded-lg border border-slate-200 dark:border-slate-700"
        />
        <p className="text-xs text-slate-600 dark:text-slate-400">
          {t("cantScan")}{" "}
          <code dir="ltr" className="break-all font-mono" data-testid="totp-secret">
            {step.secret}
          </code>
        </p>
        <TextField
          id="totp-code"
          label={t("code")}
          autoComplete="one-time-code"
          inputMode="numeric"
          maxLength={7}
          required
          value={code}
          onChange={(event) => setCode(event.target.value)}
        />
        <div className="flex gap-2">
          <Button type="submit" disabled={pending}>
            {pending ? t("checking") : t("turnOn")}
          </Button>
          <Button variant="ghost" onClick={() => setStep({ kind: "idle" })}>
            {t("cancel")}
          </Button>
        </div>
      </form>
    )
  }

  if (enabled) {
    return (
      <form noValidate onSubmit={disable} className="space-y-4">
        {error && <FormAlert>{error}</FormAlert>}
        <p className="text-sm text-slate-600 dark:text-slate-300">
          <span className="font-medium text-emerald-700 dark:text-emerald-400">{t("on")}</span>{" "}
          {t("onBody", { count: recoveryCodesLeft })}
        </p>
        {hasPassword && (
          <PasswordField
            id="totp-off-password"
            label={t("currentPassword")}
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        )}
        <Button type="submit" variant="danger-ghost" disabled={pending}>
          {pending ? t("turningOff") : t("turnOff")}
        </Button>
      </form>
    )
  }

  return (
    <div className="space-y-4">
      {error && <FormAlert>{error}</FormAlert>}
      <p className="text-sm text-slate-600 dark:text-slate-300">{t("off")}</p>
      <Button variant="secondary" onClick={begin} disabled={pending}>
        {pending ? t("starting") : t("setUp")}
      </Button>
    </div>
  )
}
