"use client"

import { DataTable, Th } from "@/components/ui/data-table"
import { useState } from "react"
import { useApiAction } from "@/components/admin-use-api-action"
import { Button } from "@/components/ui/button"
import { ConfirmDialog } from "@/components/ui/confirm-dialog"
import { FormAlert } from "@/components/ui/form-alert"
import { FormattedDate } from "@/components/ui/formatted-date"
import { INPUT_CLASSES } from "@/components/ui/input-classes"
import { formatBytes } from "@/lib/shared/upload-layout"
import type { AdminUserWire } from "@/lib/shared/wire/admin"

export type AdminUserView = AdminUserWire

type Change = {
  user: AdminUserView
  body: { disabled?: boolean; role?: "USER" | "ADMIN" }
  title: string
  confirmLabel: string
  text: string
  /** Not a PATCH: DELETE /api/admin/users/:id/totp (audited). */
  resetsTwoFactor?: boolean
}

const GIB = 1024 ** 3

/** Accounts with their usage; disable/enable, promote/demote and quota go through PATCH /api/admin/users/:id. */
export function AdminUsersTable({ users, currentUserId }: { users: AdminUserView[]; currentUserId: string }) {
  const action = useApiAction()
  const [confirming, setConfirming] = useState<Change>()

  const patch = (userId: string, body: unknown) =>
    action.run(`/api/admin/users/${encodeURIComponent(userId)}`, { method: "PATCH", body })

  const changes = (user: AdminUserView): Change[] => {
    const self = user.id === currentUserId ? " This is your own account." : ""
    return [
      user.disabled
        ? {
            user,
            body: { disabled: false },
            title: `Enable ${user.email}?`,
            confirmLabel: "Enable",
            text: "They can sign in again. Links and tokens revoked when the account was disabled stay revoked.",
          }
        : {
            user,
            body: { disabled: true },
            title: `Disable ${user.email}?`,
            confirmLabel: "Disable account",
            text: `Their sessions stop at their next request, and every link and API token of theirs is revoked now.${self}`,
          },
      user.role === "ADMIN"
        ? {
            user,
            body: { role: "USER" },
            title: `Demote ${user.email}?`,
            confirmLabel: "Demote",
            text: `They lose access to this console.${self}`,
          }
        : {
            user,
            body: { role: "ADMIN" },
            title: `Make ${user.email} an administrator?`,
            confirmLabel: "Promote",
            text: "They can see and change every account, file and link.",
          },
      ...(user.twoFactorEnabled
        ? [
            {
              user,
              body: {},
              resetsTwoFactor: true,
              title: `Reset two-factor sign-in of ${user.email}?`,
              confirmLabel: "Reset 2FA",
              text: "Their authenticator app and recovery codes stop working; they sign in with their password alone until they enrol again. Do this only after checking who is asking.",
            },
          ]
        : []),
    ]
  }

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
        caption="Accounts, oldest first"
        head={
          <>
            <Th>Email</Th>
            <Th>Role</Th>
            <Th className="hidden xl:table-cell">Created</Th>
            <Th>Files</Th>
            <Th>Storage</Th>
            <Th>Active links</Th>
            <Th srOnly>Actions</Th>
          </>
        }
      >
        {users.map((user) => (
          <tr
            key={user.id}
            className={user.disabled ? "bg-slate-50 text-slate-500 dark:bg-slate-950/40 dark:text-slate-400" : ""}
          >
            <td className="max-w-xs px-4 py-3">
              <span className="block truncate font-medium" title={user.email}>
                {user.email}
              </span>
              {user.name && (
                <span className="block truncate text-xs text-slate-500 dark:text-slate-400">{user.name}</span>
              )}
            </td>
            <td className="whitespace-nowrap px-4 py-3">
              {user.role === "ADMIN" ? "Admin" : "User"}
              {user.disabled && (
                <span className="ml-2 rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700 dark:bg-red-950/40 dark:text-red-300">
                  Disabled
                </span>
              )}
            </td>
            <td className="hidden whitespace-nowrap px-4 py-3 xl:table-cell">
              <FormattedDate value={user.createdAt} />
            </td>
            <td className="px-4 py-3">{user.files}</td>
            <td className="whitespace-nowrap px-4 py-3">
              {formatBytes(user.usedBytes)} of {formatBytes(user.quotaBytes)}
              {!user.hasCustomQuota && <span className="text-xs text-slate-500 dark:text-slate-400"> (default)</span>}
            </td>
            <td className="px-4 py-3">{user.activeShares}</td>
            <td className="px-4 py-3">
              <div className="flex flex-wrap items-center justify-end gap-1">
                {changes(user).map((change) => (
                  <Button
                    key={change.confirmLabel}
                    variant={change.body.disabled ? "danger-ghost" : "ghost"}
                    size="sm"
                    onClick={() => {
                      action.clearError()
                      setConfirming(change)
                    }}
                    aria-label={`${change.confirmLabel} ${user.email}`}
                  >
                    {change.confirmLabel === "Disable account" ? "Disable" : change.confirmLabel}
                  </Button>
                ))}
                <details className="relative">
                  <summary
                    className="cursor-pointer list-none rounded-lg px-3 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"
                    aria-label={`Quota of ${user.email}`}
                  >
                    Quota
                  </summary>
                  <form
                    className="absolute right-0 z-10 mt-1 w-64 space-y-2 rounded-lg border border-slate-200 bg-white p-3 shadow-lg dark:border-slate-800 dark:bg-slate-900"
                    onSubmit={(event) => {
                      event.preventDefault()
                      void saveQuota(user, event.currentTarget)
                    }}
                  >
                    <label htmlFor={`quota-${user.id}`} className="block text-sm font-medium">
                      Quota in GiB
                    </label>
                    <input
                      id={`quota-${user.id}`}
                      name="quota"
                      type="number"
                      min={0}
                      step="any"
                      defaultValue={user.hasCustomQuota ? user.quotaBytes / GIB : ""}
                      placeholder="Server default"
                      className={`${INPUT_CLASSES} border-slate-300 dark:border-slate-700`}
                    />
                    <p className="text-xs text-slate-500 dark:text-slate-400">Leave empty for the server default.</p>
                    <Button type="submit" size="sm" disabled={action.pending}>
                      Save quota
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
        title={confirming?.title ?? ""}
        confirmLabel={confirming?.confirmLabel ?? ""}
        pendingLabel="Saving…"
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
        {confirming?.text}
      </ConfirmDialog>
    </div>
  )
}
