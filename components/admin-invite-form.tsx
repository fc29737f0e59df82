"use client"

import { useRouter } from "next/navigation"
import { useTranslations } from "next-intl"
import { useState } from "react"
import { useApiAction } from "@/components/admin-use-api-action"
import { Button } from "@/components/ui/button"
import { FormAlert } from "@/components/ui/form-alert"
import { EmailField, TextField } from "@/components/ui/text-field"

/** Invites someone by mail (POST /api/admin/invites): they choose their own password through the link. */
export function AdminInviteForm({ mailAvailable }: { mailAvailable: boolean }) {
  const router = useRouter()
  const action = useApiAction()
  const t = useTranslations("admin.users")
  const [invited, setInvited] = useState<string>()

  if (!mailAvailable) {
    return <FormAlert>{t("inviteNoMail")}</FormAlert>
  }

  async function submit(form: HTMLFormElement) {
    setInvited(undefined)
    const data = new FormData(form)
    const email = String(data.get("email") ?? "")
    const ok = await action.run("/api/admin/invites", {
      method: "POST",
      body: { email, name: String(data.get("name") ?? "") },
    })
    if (ok) {
      form.reset()
      setInvited(email)
      router.refresh()
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
      {invited && <FormAlert tone="info">{t("invited", { email: invited })}</FormAlert>}
      <div className="grid gap-4 sm:grid-cols-2">
        <EmailField id="invite-email" name="email" autoComplete="off" />
        <TextField id="invite-name" name="name" label={t("name")} optional autoComplete="off" />
      </div>
      <Button type="submit" disabled={action.pending}>
        {action.pending ? t("inviting") : t("inviteSubmit")}
      </Button>
    </form>
  )
}
