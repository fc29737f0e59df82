"use client"

import { DataTable, Th } from "@/components/ui/data-table"
import { useState } from "react"
import { ShareDetailDialog } from "@/components/shares-detail-dialog"
import { Button } from "@/components/ui/button"
import { ConfirmDialog } from "@/components/ui/confirm-dialog"
import { CopyButton } from "@/components/ui/copy-button"
import { FormattedDate } from "@/components/ui/formatted-date"
import { NETWORK_ERROR_MESSAGE, readApiFailure } from "@/lib/shared/api-client"
import type { OwnShareWire, ShareState } from "@/lib/shared/wire/shares"

/** A link in its owner's list, as the browser gets it (lib/shared/wire/shares.ts). */
export type ShareView = OwnShareWire

const STATE_LABELS: Record<ShareState, { text: string; classes: string }> = {
  active: { text: "Active", classes: "bg-emerald-50 text-emerald-700 dark:bg-emerald-950/40 dark:text-emerald-300" },
  expired: { text: "Expired", classes: "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300" },
  used_up: { text: "Used up", classes: "bg-amber-50 text-amber-700 dark:bg-amber-950/40 dark:text-amber-300" },
  revoked: { text: "Revoked", classes: "bg-red-50 text-red-700 dark:bg-red-950/40 dark:text-red-300" },
}

export function ShareStateBadge({ state }: { state: ShareState }) {
  const label = STATE_LABELS[state]
  return (
    <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${label.classes}`}>{label.text}</span>
  )
}

/** Links with their state, download count and a revoke button; `showFile` adds the file's name. */
export function SharesList({
  shares,
  showFile = false,
  onRevoked,
}: {
  shares: ShareView[]
  showFile?: boolean
  onRevoked: (id: string) => void
}) {
  const [confirming, setConfirming] = useState<ShareView>()
  const [details, setDetails] = useState<string>()
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string>()

  async function revoke(share: ShareView) {
    setPending(true)
    setError(undefined)
    try {
      const response = await fetch(`/api/shares/${encodeURIComponent(share.id)}`, { method: "DELETE" })
      if (response.ok) {
        setConfirming(undefined)
        onRevoked(share.id)
      } else {
        setError((await readApiFailure(response)).message)
      }
    } catch {
      setError(NETWORK_ERROR_MESSAGE)
    }
    setPending(false)
  }

  if (shares.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">No links yet.</p>

  return (
    <>
      <DataTable
        caption="Share links, newest first"
        flat
        head={
          <>
            {showFile && <Th compact>File</Th>}
            <Th compact>State</Th>
            <Th compact>Downloads</Th>
            <Th compact>Expires</Th>
            <Th compact>Created</Th>
            <Th srOnly compact>
              Actions
            </Th>
          </>
        }
      >
        {shares.map((share) => (
          <tr key={share.id} data-share-id={share.id}>
            {showFile && (
              <td
                className="max-w-xs truncate px-3 py-2 font-medium"
                title={share.files?.map((file) => file.name).join(", ") ?? share.fileName ?? undefined}
              >
                {share.title ??
                  (share.files && share.files.length > 1
                    ? `${share.files[0]?.name} and ${share.files.length - 1} more`
                    : (share.fileName ?? <span className="text-slate-500 dark:text-slate-400">Deleted file</span>))}
              </td>
            )}
            <td className="px-3 py-2">
              <ShareStateBadge state={share.state} />
              {share.hasPassword && <span className="ml-2 text-xs text-slate-500 dark:text-slate-400">password</span>}
            </td>
            <td className="whitespace-nowrap px-3 py-2">
              {share.downloads}
              {share.maxDownloads !== null && ` / ${share.maxDownloads}`}
            </td>
            <td className="whitespace-nowrap px-3 py-2">
              {share.expiresAt ? <FormattedDate value={share.expiresAt} withTime /> : "Never"}
            </td>
            <td className="whitespace-nowrap px-3 py-2">
              <FormattedDate value={share.createdAt} />
            </td>
            <td className="whitespace-nowrap px-3 py-2 text-right">
              {share.url && share.state === "active" && <CopyButton text={share.url} label="Copy link" />}
              {share.url !== undefined && (
                <Button variant="ghost" size="sm" onClick={() => setDetails(share.id)}>
                  Details
                </Button>
              )}
              {share.state === "active" && (
                <Button variant="danger-ghost" size="sm" onClick={() => setConfirming(share)}>
                  Revoke
                </Button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      {details && (
        <ShareDetailDialog
          shareId={details}
          onClose={() => setDetails(undefined)}
          onChanged={() => onRevoked(details)}
        />
      )}
      <ConfirmDialog
        open={confirming !== undefined}
        title="Revoke this link?"
        confirmLabel="Revoke link"
        pendingLabel="Revoking…"
        pending={pending}
        error={error}
        onConfirm={() => confirming && revoke(confirming)}
        onClose={() => {
          setConfirming(undefined)
          setError(undefined)
        }}
      >
        Anyone opening it from now on is told it was revoked. Downloads already started are not affected.
      </ConfirmDialog>
    </>
  )
}
