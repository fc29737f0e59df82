"use client"

import { useTranslations } from "next-intl"
import { useState } from "react"
import { useApiAction } from "@/components/admin-use-api-action"
import { Button } from "@/components/ui/button"
import { FormAlert } from "@/components/ui/form-alert"
import { EmailField, PasswordField, TextField } from "@/components/ui/text-field"
import { PASSWORD_MIN_LENGTH } from "@/lib/shared/validations/auth"

/** Creates an account through POST /api/admin/users, which works while self-registration is closed. */
export function AdminCreateUserForm() {
  const action = useApiAction()
  const t = useTranslations("admin.users")
  const [created, setCreated] = useState<string>()

  async function submit(form: HTMLFormElement) {
    setCreated(undefined)
    const data = new FormData(form)
    const email = String(data.get("email") ?? "")
    const ok = await action.run("/api/admin/users", {
      method: "POST",
      body: { email, password: String(data.get("password") ?? ""), name: String(data.get("name") ?? "") },
    })
    if (ok) {
      form.reset()
      setCreated(email)
    }
  }

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault()
        void submit(event.currentTarget)
      }}
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      {action.error && <FormAlert>{action.error}</FormAlert>}
      {created && <FormAlert tone="info">{t("created", { email: created })}</FormAlert>}
      <div className="grid gap-4 sm:grid-cols-3">
        <EmailField id="new-user-email" name="email" autoComplete="off" />
        <PasswordField
          id="new-user-password"
          name="password"
          label={t("initialPassword")}
          autoComplete="new-password"
          required
          hint={t("passwordMin", { min: PASSWORD_MIN_LENGTH })}
        />
        <TextField id="new-user-name" name="name" label={t("name")} optional autoComplete="off" />
      </div>
      <Button type="submit" disabled={action.pending}>
        {action.pending ? t("creating") : t("createSubmit")}
      </Button>
    </form>
  )
}
