"use client"

import { DataTable, Th } from "@/components/ui/data-table"
import { useLocale, useTranslations } from "next-intl"
import { useState } from "react"
import { useApiAction } from "@/components/admin-use-api-action"
import { ShareStateBadge } from "@/components/shares-list"
import { Button } from "@/components/ui/button"
import { ConfirmDialog } from "@/components/ui/confirm-dialog"
import { FormAlert } from "@/components/ui/form-alert"
import { FormattedDate } from "@/components/ui/formatted-date"
import type { AdminShareWire } from "@/lib/shared/wire/admin"

export type AdminShareView = AdminShareWire

/** Every user's links; revoke one, or tick several and revoke them in one all-or-nothing request. */
export function AdminSharesTable({ shares }: { shares: AdminShareView[] }) {
  const action = useApiAction()
  const t = useTranslations("admin.shares")
  const locale = useLocale()
  const number = new Intl.NumberFormat(locale)
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [confirming, setConfirming] = useState<AdminShareView[]>()
  const revocable = shares.filter((share) => share.state !== "revoked")
  // Selections of links no longer shown (or revoked since) are dropped.
  const chosen = revocable.filter((share) => selected.has(share.id))

  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current)
      if (on) next.add(id)
      else next.delete(id)
      return next
    })

  async function revoke(targets: AdminShareView[]) {
    const ok =
      targets.length === 1 && targets[0]
        ? await action.run(`/api/admin/shares/${encodeURIComponent(targets[0].id)}/revoke`, { method: "POST" })
        : await action.run("/api/admin/shares/revoke", {
            method: "POST",
            body: { ids: targets.map((share) => share.id) },
          })
    if (ok) {
      setConfirming(undefined)
      setSelected(new Set())
    }
  }

  const name = (share: AdminShareView) => share.fileName ?? t("deletedFile")

  return (
    <div className="space-y-3">
      {action.error && !confirming && <FormAlert>{action.error}</FormAlert>}
      <div className="flex items-center gap-3">
        <Button variant="danger" size="sm" disabled={chosen.length === 0} onClick={() => setConfirming(chosen)}>
          {t("revokeSelected", { count: chosen.length })}
        </Button>
      </div>
      <DataTable
        caption={t("caption")}
        head={
          <>
            <Th className="w-10">
              <input
                type="checkbox"
                aria-label={t("selectAll")}
                checked={revocable.length > 0 && chosen.length === revocable.length}
                onChange={(event) =>
                  setSelected(event.target.checked ? new Set(revocable.map((share) => share.id)) : new Set())
                }
              />
            </Th>
            <Th>{t("file")}</Th>
            <Th>{t("ownerCol")}</Th>
            <Th>{t("state")}</Th>
            <Th>{t("downloads")}</Th>
            <Th className="hidden md:table-cell">{t("expires")}</Th>
            <Th className="hidden xl:table-cell">{t("created")}</Th>
            <Th srOnly>{t("actions")}</Th>
          </>
        }
      >
        {shares.map((share) => (
          <tr key={share.id}>
            <td className="px-4 py-3">
              {share.state !== "revoked" && (
                <input
                  type="checkbox"
                  aria-label={t("selectOne", { name: name(share), owner: share.owner.email })}
                  checked={selected.has(share.id)}
                  onChange={(event) => toggle(share.id, event.target.checked)}
                />
              )}
            </td>
            <td className="max-w-xs truncate px-4 py-3 font-medium" title={share.fileName ?? undefined}>
              {share.fileName ?? <span className="italic text-slate-600 dark:text-slate-400">{t("deleted")}</span>}
              {share.hasPassword && (
                <span className="ms-2 text-xs font-normal text-slate-600 dark:text-slate-400">{t("password")}</span>
              )}
            </td>
            <td className="max-w-[14rem] truncate px-4 py-3 text-slate-600 dark:text-slate-300">{share.owner.email}</td>
            <td className="px-4 py-3">
              <ShareStateBadge state={share.state} />
            </td>
            <td className="whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300">
              {share.maxDownloads === null
                ? number.format(share.downloads)
                : t("downloadsOf", { downloads: share.downloads, max: share.maxDownloads })}
            </td>
            <td className="hidden whitespace-nowrap px-4 py-3 text-slate-600 md:table-cell dark:text-slate-300">
              {share.expiresAt ? <FormattedDate value={share.expiresAt} withTime /> : t("never")}
            </td>
            <td className="hidden whitespace-nowrap px-4 py-3 text-slate-600 xl:table-cell dark:text-slate-300">
              <FormattedDate value={share.createdAt} withTime />
            </td>
            <td className="px-4 py-3 text-end">
              {share.state !== "revoked" && (
                <Button
                  variant="danger-ghost"
                  size="sm"
                  onClick={() => setConfirming([share])}
                  aria-label={t("revokeOne", { name: name(share), owner: share.owner.email })}
                >
                  {t("revoke")}
                </Button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      <ConfirmDialog
        open={confirming !== undefined}
        title={
          confirming?.length === 1 && confirming[0]
            ? t("revokeTitleOne", { name: name(confirming[0]) })
            : t("revokeTitleMany", { count: confirming?.length ?? 0 })
        }
        confirmLabel={t("revokeConfirm", { count: confirming?.length ?? 0 })}
        pendingLabel={t("revoking")}
        pending={action.pending}
        error={action.error}
        onConfirm={() => confirming && void revoke(confirming)}
        onClose={() => {
          setConfirming(undefined)
          action.clearError()
        }}
      >
        {t("revokeBody", { count: confirming?.length ?? 0 })}
      </ConfirmDialog>
    </div>
  )
}
