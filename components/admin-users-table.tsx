"use client"

import { DataTable, Th } from "@/components/ui/data-table"
import { useLocale, useTranslations } from "next-intl"
import { useState } from "react"
import { useApiAction } from "@/components/admin-use-api-action"
import { Button } from "@/components/ui/button"
import { ConfirmDialog } from "@/components/ui/confirm-dialog"
import { FormAlert } from "@/components/ui/form-alert"
import { FormattedDate } from "@/components/ui/formatted-date"
import { INPUT_CLASSES } from "@/components/ui/input-classes"
import { formatBytesIn } from "@/lib/shared/format"
import type { AdminUserWire } from "@/lib/shared/wire/admin"

export type AdminUserView = AdminUserWire

type ChangeKind = "enable" | "disable" | "demote" | "promote" | "resetTwoFactor"

type Change = {
  user: AdminUserView
  kind: ChangeKind
  body: { disabled?: boolean; role?: "USER" | "ADMIN" }
  /** Not a PATCH: DELETE /api/admin/users/:id/totp (audited). */
  resetsTwoFactor?: boolean
}

const GIB = 1024 ** 3

/** Accounts with their usage; disable/enable, promote/demote and quota go through PATCH /api/admin/users/:id. */
export function AdminUsersTable({ users, currentUserId }: { users: AdminUserView[]; currentUserId: string }) {
  const action = useApiAction()
  const t = useTranslations("admin.users")
  const locale = useLocale()
  const number = new Intl.NumberFormat(locale)
  const formatBytes = (bytes: number) => formatBytesIn(locale, bytes)
  const [confirming, setConfirming] = useState<Change>()

  const patch = (userId: string, body: unknown) =>
    action.run(`/api/admin/users/${encodeURIComponent(userId)}`, { method: "PATCH", body })

  const changes = (user: AdminUserView): Change[] => [
    user.disabled
      ? { user, kind: "enable", body: { disabled: false } }
      : { user, kind: "disable", body: { disabled: true } },
    user.role === "ADMIN"
      ? { user, kind: "demote", body: { role: "USER" } }
      : { user, kind: "promote", body: { role: "ADMIN" } },
    ...(user.twoFactorEnabled ? [{ user, kind: "resetTwoFactor" as const, body: {}, resetsTwoFactor: true }] : []),
  ]
  const own = (change: Change) => (change.user.id === currentUserId ? ` ${t("ownAccount")}` : "")
  const changeText = (change: Change) =>
    change.kind === "disable" || change.kind === "demote"
      ? `${t(`changes.${change.kind}.text`)}${own(change)}`
      : t(`changes.${change.kind}.text`)

  async function saveQuota(user: AdminUserView, form: HTMLFormElement) {
    const data = new FormData(form)
    const text = String(data.get("quota") ?? "").trim()
    // An empty field goes back to the server default.
    const quotaBytes = text === "" ? null : Math.round(Number(text) * GIB)
    await patch(user.id, { quotaBytes: Number.isFinite(quotaBytes) ? quotaBytes : text })
  }

  return (
    <div className="space-y-3">
      {action.error && !confirming && <FormAlert>{action.error}</FormAlert>}
      <DataTable
        caption={t("caption")}
        head={
          <>
            <Th>{t("email")}</Th>
            <Th>{t("role")}</Th>
            <Th className="hidden xl:table-cell">{t("createdCol")}</Th>
            <Th>{t("files")}</Th>
            <Th>{t("storage")}</Th>
            <Th>{t("activeLinks")}</Th>
            <Th srOnly>{t("actions")}</Th>
          </>
        }
      >
        {users.map((user) => (
          <tr
            key={user.id}
            className={user.disabled ? "bg-slate-50 text-slate-600 dark:bg-slate-950/40 dark:text-slate-400" : ""}
          >
            <td className="max-w-xs px-4 py-3">
              <span className="block truncate font-medium" title={user.email}>
                {user.email}
              </span>
              {user.name && (
                <span className="block truncate text-xs text-slate-600 dark:text-slate-400">{user.name}</span>
              )}
            </td>
            <td className="whitespace-nowrap px-4 py-3">
              {user.role === "ADMIN" ? t("roleAdmin") : t("roleUser")}
              {user.disabled && (
                <span className="ms-2 rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700 dark:bg-red-950/40 dark:text-red-300">
                  {t("disabled")}
                </span>
              )}
            </td>
            <td className="hidden whitespace-nowrap px-4 py-3 xl:table-cell">
              <FormattedDate value={user.createdAt} />
            </td>
            <td className="px-4 py-3">{number.format(user.files)}</td>
            <td className="whitespace-nowrap px-4 py-3">
              {t("usedOf", { used: formatBytes(user.usedBytes), quota: formatBytes(user.quotaBytes) })}
              {!user.hasCustomQuota && (
                <span className="text-xs text-slate-600 dark:text-slate-400"> {t("defaultQuota")}</span>
              )}
            </td>
            <td className="px-4 py-3">{number.format(user.activeShares)}</td>
            <td className="px-4 py-3">
              <div className="flex flex-wrap items-center justify-end gap-1">
                {changes(user).map((change) => (
                  <Button
                    key={change.kind}
                    variant={change.body.disabled ? "danger-ghost" : "ghost"}
                    size="sm"
                    onClick={() => {
                      action.clearError()
                      setConfirming(change)
                    }}
                    aria-label={t(`changes.${change.kind}.named`, { email: user.email })}
                  >
                    {t(`changes.${change.kind}.button`)}
                  </Button>
                ))}
                <details className="relative">
                  <summary
                    className="cursor-pointer list-none rounded-lg px-3 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
                    aria-label={t("quotaOf", { email: user.email })}
                  >
                    {t("quota")}
                  </summary>
                  <form
                    className="absolute end-0 z-10 mt-1 w-64 space-y-2 rounded-lg border border-slate-200 bg-white p-3 shadow-lg dark:border-slate-800 dark:bg-slate-900"
                    onSubmit={(event) => {
                      event.preventDefault()
                      void saveQuota(user, event.currentTarget)
                    }}
                  >
                    <label htmlFor={`quota-${user.id}`} className="block text-sm font-medium">
                      {t("quotaGiB")}
                    </label>
                    <input
                      id={`quota-${user.id}`}
                      name="quota"
                      type="number"
                      min={0}
                      step="any"
                      defaultValue={user.hasCustomQuota ? user.quotaBytes / GIB : ""}
                      placeholder={t("serverDefault")}
                      className={`${INPUT_CLASSES} border-slate-300 dark:border-slate-700`}
                    />
                    <p className="text-xs text-slate-600 dark:text-slate-400">{t("quotaHint")}</p>
                    <Button type="submit" size="sm" disabled={action.pending}>
                      {t("saveQuota")}
                    </Button>
                  </form>
                </details>
              </div>
            </td>
          </tr>
        ))}
      </DataTable>
      <ConfirmDialog
        open={confirming !== undefined}
        title={confirming ? t(`changes.${confirming.kind}.title`, { email: confirming.user.email }) : ""}
        confirmLabel={confirming ? t(`changes.${confirming.kind}.confirm`) : ""}
        pendingLabel={t("saving")}
        pending={action.pending}
        error={action.error}
        onConfirm={async () => {
          if (!confirming) return
          const done = confirming.resetsTwoFactor
            ? await action.run(`/api/admin/users/${encodeURIComponent(confirming.user.id)}/totp`, { method: "DELETE" })
            : await patch(confirming.user.id, confirming.body)
          if (done) setConfirming(undefined)
        }}
        onClose={() => {
          setConfirming(undefined)
          action.clearError()
        }}
      >
        {confirming && changeText(confirming)}
      </ConfirmDialog>
    </div>
  )
}
