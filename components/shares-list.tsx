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

  const fileLabel = (share: ShareView) =>
    share.title ??
    (share.files && share.files.length > 1
      ? t("andMore", { name: share.files[0]?.name ?? "", count: share.files.length - 1 })
      : (share.fileName ?? <span className="text-slate-600 dark:text-slate-400">{t("deletedFile")}</span>))
  const fileTitle = (share: ShareView) =>
    share.files?.map((file) => file.name).join(", ") ?? share.fileName ?? undefined
  const state = (share: ShareView) => (
    <>
      <ShareStateBadge state={share.state} />
      {share.hasPassword && <span className="ms-2 text-xs text-slate-600 dark:text-slate-400">{t("password")}</span>}
    </>
  )
  // Shown in a left-to-right <bdi>: "0 / 10" reads left to right in Arabic too.
  const downloads = (share: ShareView) =>
    `${new Intl.NumberFormat(locale).format(share.downloads)}${
      share.maxDownloads === null ? "" : ` / ${new Intl.NumberFormat(locale).format(share.maxDownloads)}`
    }`
  const expires = (share: ShareView) =>
    share.expiresAt ? <FormattedDate value={share.expiresAt} withTime /> : t("never")
  const actions = (share: ShareView) => (
    <>
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
    </>
  )

  return (
    // Sized by the space it has, not the screen: the same list sits on a page and in a dialog.
    // Narrow, each link is a card with its facts stacked and its actions on their own row.
    <div className="@container">
      <ul className="space-y-2 @xl:hidden" aria-label={t("caption")}>
        {shares.map((share) => (
          <li
            key={share.id}
            data-share-id={share.id}
            className="rounded-lg border border-slate-200 p-3 text-sm dark:border-slate-800"
          >
            {showFile && (
              <p className="mb-1 truncate font-medium" title={fileTitle(share)}>
                {fileLabel(share)}
              </p>
            )}
            <div>{state(share)}</div>
            <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
              <dt className="text-slate-600 dark:text-slate-400">{t("downloads")}</dt>
              <dd>
                <bdi dir="ltr">{downloads(share)}</bdi>
              </dd>
              <dt className="text-slate-600 dark:text-slate-400">{t("expires")}</dt>
              <dd>{expires(share)}</dd>
              <dt className="text-slate-600 dark:text-slate-400">{t("created")}</dt>
              <dd>
                <FormattedDate value={share.createdAt} />
              </dd>
            </dl>
            <div className="mt-2 -ms-2 flex flex-wrap gap-1">{actions(share)}</div>
          </li>
        ))}
      </ul>
      <div className="hidden @xl:block">
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
                <td className="max-w-xs truncate px-3 py-2 font-medium" title={fileTitle(share)}>
                  {fileLabel(share)}
                </td>
              )}
              <td className="px-3 py-2">{state(share)}</td>
              <td className="whitespace-nowrap px-3 py-2">
                <bdi dir="ltr">{downloads(share)}</bdi>
              </td>
              <td className="whitespace-nowrap px-3 py-2">{expires(share)}</td>
              <td className="whitespace-nowrap px-3 py-2">
                <FormattedDate value={share.createdAt} />
              </td>
              <td className="whitespace-nowrap px-3 py-2 text-end">{actions(share)}</td>
            </tr>
          ))}
        </DataTable>
      </div>
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
    </div>
  )
}
