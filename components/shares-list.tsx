"use client"

import { DataTable, Th } from "@/components/ui/data-table"
import { useLocale, useTranslations } from "next-intl"
import { useState } from "react"
import { ShareDetailDialog } from "@/components/shares-detail-dialog"
import { Button } from "@/components/ui/button"
import { ConfirmDialog } from "@/components/ui/confirm-dialog"
import { CopyButton } from "@/components/ui/copy-button"
import { FormattedDate } from "@/components/ui/formatted-date"
import { useApiErrorMessage } from "@/components/use-api-error-message"
import { readApiFailure } from "@/lib/shared/api-client"
import type { OwnShareWire, ShareState } from "@/lib/shared/wire/shares"

/** A link in its owner's list, as the browser gets it (lib/shared/wire/shares.ts). */
export type ShareView = OwnShareWire

const STATE_CLASSES: Record<ShareState, string> = {
  active: "bg-emerald-50 text-emerald-700 dark:bg-emerald-950/40 dark:text-emerald-300",
  expired: "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300",
  used_up: "bg-amber-50 text-amber-700 dark:bg-amber-950/40 dark:text-amber-300",
  revoked: "bg-red-50 text-red-700 dark:bg-red-950/40 dark:text-red-300",
}

export function ShareStateBadge({ state }: { state: ShareState }) {
  const t = useTranslations("sharesList.states")
  return (
    <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${STATE_CLASSES[state]}`}>
      {t(state)}
    </span>
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
  const t = useTranslations("sharesList")
  const locale = useLocale()
  const errorMessage = useApiErrorMessage()
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
        setError(errorMessage(await readApiFailure(response)))
      }
    } catch {
      setError(errorMessage("network"))
    }
    setPending(false)
  }

  if (shares.length === 0) return <p className="text-sm text-slate-600 dark:text-slate-400">{t("empty")}</p>

  return (
    <>
      <DataTable
        caption={t("caption")}
        flat
        head={
          <>
            {showFile && <Th compact>{t("file")}</Th>}
            <Th compact>{t("state")}</Th>
            <Th compact>{t("downloads")}</Th>
            <Th compact>{t("expires")}</Th>
            <Th compact>{t("created")}</Th>
            <Th srOnly compact>
              {t("actions")}
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
                    ? t("andMore", { name: share.files[0]?.name ?? "", count: share.files.length - 1 })
                    : (share.fileName ?? (
                        <span className="text-slate-600 dark:text-slate-400">{t("deletedFile")}</span>
                      )))}
              </td>
            )}
            <td className="px-3 py-2">
              <ShareStateBadge state={share.state} />
              {share.hasPassword && (
                <span className="ms-2 text-xs text-slate-600 dark:text-slate-400">{t("password")}</span>
              )}
            </td>
            <td className="whitespace-nowrap px-3 py-2">
              {/* One string in an isolate: "0 / 10" reads left to right in Arabic too. */}
              {`\u2066${new Intl.NumberFormat(locale).format(share.downloads)}${
                share.maxDownloads === null ? "" : ` / ${new Intl.NumberFormat(locale).format(share.maxDownloads)}`
              }\u2069`}
            </td>
            <td className="whitespace-nowrap px-3 py-2">
              {share.expiresAt ? <FormattedDate value={share.expiresAt} withTime /> : t("never")}
            </td>
            <td className="whitespace-nowrap px-3 py-2">
              <FormattedDate value={share.createdAt} />
            </td>
            <td className="whitespace-nowrap px-3 py-2 text-end">
              {share.url && share.state === "active" && <CopyButton text={share.url} label={t("copy")} />}
              {share.url !== undefined && (
                <Button variant="ghost" size="sm" onClick={() => setDetails(share.id)}>
                  {t("details")}
                </Button>
              )}
              {share.state === "active" && (
                <Button variant="danger-ghost" size="sm" onClick={() => setConfirming(share)}>
                  {t("revoke")}
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
        title={t("revokeTitle")}
        confirmLabel={t("revokeConfirm")}
        pendingLabel={t("revoking")}
        pending={pending}
        error={error}
        onConfirm={() => confirming && revoke(confirming)}
        onClose={() => {
          setConfirming(undefined)
          setError(undefined)
        }}
      >
        {t("revokeBody")}
      </ConfirmDialog>
    </>
  )
}
