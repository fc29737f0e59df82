"use client"

import { DataTable, Th } from "@/components/ui/data-table"
import { useLocale, useTranslations } from "next-intl"
import { useState } from "react"
import { useApiAction } from "@/components/admin-use-api-action"
import { Button } from "@/components/ui/button"
import { ConfirmDialog } from "@/components/ui/confirm-dialog"
import { FileNameWithIcon } from "@/components/ui/file-type-icon"
import { FormAlert } from "@/components/ui/form-alert"
import { FormattedDate } from "@/components/ui/formatted-date"
import { formatBytesIn } from "@/lib/shared/format"
import type { AdminFileWire } from "@/lib/shared/wire/admin"

export type AdminFileView = AdminFileWire

/** Every user's files; deleting one removes the object and revokes its links, as for its owner. */
export function AdminFilesTable({ files }: { files: AdminFileView[] }) {
  const action = useApiAction()
  const t = useTranslations("admin.files")
  const locale = useLocale()
  const [confirming, setConfirming] = useState<AdminFileView>()

  async function remove(file: AdminFileView) {
    if (await action.run(`/api/admin/files/${encodeURIComponent(file.id)}`, { method: "DELETE" }))
      setConfirming(undefined)
  }

  return (
    <div className="space-y-3">
      {action.error && !confirming && <FormAlert>{action.error}</FormAlert>}
      <DataTable
        caption={t("caption")}
        head={
          <>
            <Th>{t("name")}</Th>
            <Th>{t("ownerCol")}</Th>
            <Th>{t("size")}</Th>
            <Th className="hidden md:table-cell">{t("uploaded")}</Th>
            <Th>{t("activeLinks")}</Th>
            <Th srOnly>{t("actions")}</Th>
          </>
        }
      >
        {files.map((file) => (
          <tr key={file.id}>
            <td className="max-w-xs px-4 py-3 font-medium" title={file.name}>
              <FileNameWithIcon name={file.name} type={file.type} />
            </td>
            <td className="max-w-[14rem] truncate px-4 py-3 text-slate-600 dark:text-slate-300">{file.owner.email}</td>
            <td className="whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300">
              <bdi dir="ltr">{formatBytesIn(locale, file.size)}</bdi>
            </td>
            <td className="hidden whitespace-nowrap px-4 py-3 text-slate-600 md:table-cell dark:text-slate-300">
              <FormattedDate value={file.createdAt} withTime />
            </td>
            <td className="px-4 py-3 text-slate-600 dark:text-slate-300">
              {new Intl.NumberFormat(locale).format(file.activeShares)}
            </td>
            <td className="px-4 py-3 text-end">
              <div className="flex items-center justify-end gap-1">
                {/* The download route lets admins fetch any file; the key it mints is audited. */}
                <a
                  href={`/api/files/${file.id}/download`}
                  className="px-2 font-medium text-brand-600 hover:text-brand-700 dark:text-brand-300 dark:hover:text-brand-200"
                  aria-label={t("downloadNamed", { name: file.name })}
                >
                  {t("download")}
                </a>
                <Button
                  variant="danger-ghost"
                  size="sm"
                  onClick={() => setConfirming(file)}
                  aria-label={t("deleteNamed", { name: file.name, owner: file.owner.email })}
                >
                  {t("delete")}
                </Button>
              </div>
            </td>
          </tr>
        ))}
      </DataTable>
      <ConfirmDialog
        open={confirming !== undefined}
        title={t("deleteTitle", { name: confirming?.name ?? "" })}
        confirmLabel={t("deleteConfirm")}
        pendingLabel={t("deleting")}
        pending={action.pending}
        error={action.error}
        onConfirm={() => confirming && void remove(confirming)}
        onClose={() => {
          setConfirming(undefined)
          action.clearError()
        }}
      >
        {t("deleteBody", { owner: confirming?.owner.email ?? "" })}
      </ConfirmDialog>
    </div>
  )
}
