"use client"

import { useState } from "react"
import { useApiAction } from "@/components/admin-use-api-action"
import { Button } from "@/components/ui/button"
import { ConfirmDialog } from "@/components/ui/confirm-dialog"
import { FileTypeIcon } from "@/components/ui/file-type-icon"
import { FormAlert } from "@/components/ui/form-alert"
import { FormattedDate } from "@/components/ui/formatted-date"
import { formatBytes } from "@/lib/upload-layout"

export type AdminFileView = { id: string; name: string; size: number; type: string; createdAt: string; owner: { email: string }; activeShares: number }

/** Every user's files; deleting one removes the object and revokes its links, as for its owner. */
export function AdminFilesTable({ files }: { files: AdminFileView[] }) {
  const action = useApiAction()
  const [confirming, setConfirming] = useState<AdminFileView>()

  async function remove(file: AdminFileView) {
    if (await action.run(`/api/admin/files/${encodeURIComponent(file.id)}`, { method: "DELETE" })) setConfirming(undefined)
  }

  return (
    <div className="space-y-3">
      {action.error && !confirming && <FormAlert>{action.error}</FormAlert>}
      <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Every file, newest first</caption>
          <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800">
            <tr>
              <th scope="col" className="px-4 py-3 font-medium">Name</th>
              <th scope="col" className="px-4 py-3 font-medium">Owner</th>
              <th scope="col" className="px-4 py-3 font-medium">Size</th>
              <th scope="col" className="hidden px-4 py-3 font-medium md:table-cell">Uploaded</th>
              <th scope="col" className="px-4 py-3 font-medium">Active links</th>
              <th scope="col" className="px-4 py-3 font-medium"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {files.map((file) => (
              <tr key={file.id}>
                <td className="max-w-xs px-4 py-3 font-medium" title={file.name}>
                  <span className="flex items-center gap-2">
                    <FileTypeIcon type={file.type} className="h-5 w-5 shrink-0 text-slate-400" />
                    <span className="truncate">{file.name}</span>
                  </span>
                </td>
                <td className="max-w-[14rem] truncate px-4 py-3 text-slate-600 dark:text-slate-300">{file.owner.email}</td>
                <td className="whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300">{formatBytes(file.size)}</td>
                <td className="hidden whitespace-nowrap px-4 py-3 text-slate-600 md:table-cell dark:text-slate-300">
                  <FormattedDate value={file.createdAt} withTime />
                </td>
                <td className="px-4 py-3 text-slate-600 dark:text-slate-300">{file.activeShares}</td>
                <td className="px-4 py-3 text-right">
                  <div className="flex items-center justify-end gap-1">
                    {/* The download route lets admins fetch any file; the key it mints is audited. */}
                    <a href={`/api/files/${file.id}/download`} className="px-2 font-medium text-brand-600 hover:text-brand-700" aria-label={`Download ${file.name}`}>
                      Download
                    </a>
                    <Button variant="danger-ghost" size="sm" onClick={() => setConfirming(file)} aria-label={`Delete ${file.name} of ${file.owner.email}`}>
                      Delete
                    </Button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={confirming !== undefined}
        title={`Delete ${confirming?.name ?? "this file"}?`}
        confirmLabel="Delete file"
        pendingLabel="Deleting…"
        pending={action.pending}
        error={action.error}
        onConfirm={() => confirming && void remove(confirming)}
        onClose={() => {
          setConfirming(undefined)
          action.clearError()
        }}
      >
        The file of {confirming?.owner.email} is removed from storage and every link to it stops working. This cannot be undone.
      </ConfirmDialog>
    </div>
  )
}
