"use client"

import { DataTable, Th } from "@/components/ui/data-table"
import { useRouter } from "next/navigation"
import { useTranslations } from "next-intl"
import { useState, useTransition } from "react"
import { Button } from "@/components/ui/button"
import { ConfirmDialog } from "@/components/ui/confirm-dialog"
import { FormattedDate } from "@/components/ui/formatted-date"
import { useApiErrorMessage } from "@/components/use-api-error-message"
import { readApiFailure } from "@/lib/shared/api-client"
import type { ApiTokenWire } from "@/lib/shared/wire/account"

/** A token as the page shows it (lib/shared/wire/account.ts); dates are ISO strings. */
export type ApiTokenView = ApiTokenWire

const WIDE_ONLY = "max-sm:hidden"

function Expiry({ token }: { token: ApiTokenView }) {
  const t = useTranslations("tokens")
  return token.expiresAt ? <FormattedDate value={token.expiresAt} /> : <>{t("never")}</>
}

function LastUsed({ token }: { token: ApiTokenView }) {
  const t = useTranslations("tokens")
  return token.lastUsedAt ? <FormattedDate value={token.lastUsedAt} withTime /> : <>{t("neverUsed")}</>
}

export function ApiTokenList({ tokens }: { tokens: ApiTokenView[] }) {
  const router = useRouter()
  const t = useTranslations("tokens")
  const errorMessage = useApiErrorMessage()
  const [confirming, setConfirming] = useState<ApiTokenView>()
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string>()
  // Hidden at once on success; router.refresh() then brings the server's list in line.
  const [revokedIds, setRevokedIds] = useState<ReadonlySet<string>>(new Set())
  const [, startTransition] = useTransition()

  const visible = tokens.filter((token) => !revokedIds.has(token.id))

  async function revoke(token: ApiTokenView) {
    setPending(true)
    setError(undefined)
    try {
      const response = await fetch(`/api/tokens/${encodeURIComponent(token.id)}`, { method: "DELETE" })
      // 404: already revoked (another tab, or it just expired). Either way it no longer works.
      if (response.ok || response.status === 404) {
        setRevokedIds((current) => new Set(current).add(token.id))
        setConfirming(undefined)
        startTransition(() => router.refresh())
      } else {
        setError(errorMessage(await readApiFailure(response)))
      }
    } catch {
      setError(errorMessage("network"))
    }
    setPending(false)
  }

  if (visible.length === 0) {
    return (
      <div className="rounded-xl border border-dashed border-slate-300 p-8 text-center dark:border-slate-700">
        <p className="font-medium text-slate-700 dark:text-slate-200">{t("emptyTitle")}</p>
        <p className="mx-auto mt-1 max-w-md text-sm text-slate-600 dark:text-slate-400">{t("emptyBody")}</p>
      </div>
    )
  }

  return (
    <>
      <DataTable
        caption={t("caption")}
        head={
          <>
            <Th>{t("colName")}</Th>
            <Th className={WIDE_ONLY}>{t("colToken")}</Th>
            <Th className={WIDE_ONLY}>{t("colCreated")}</Th>
            <Th className={WIDE_ONLY}>{t("colExpires")}</Th>
            <Th className={WIDE_ONLY}>{t("colLastUsed")}</Th>
            <Th srOnly>{t("colActions")}</Th>
          </>
        }
      >
        {visible.map((token) => (
          <tr key={token.id}>
            <th scope="row" className="px-4 py-3 font-medium text-slate-900 wrap-anywhere dark:text-slate-100">
              {token.name}
              {/* Narrow screens have no room for the columns; the essentials go under the name. */}
              <span className="mt-0.5 block text-xs font-normal text-slate-600 sm:hidden dark:text-slate-400">
                <code dir="ltr" className="font-mono">
                  {token.prefix}…
                </code>{" "}
                ·{" "}
                {token.expiresAt ? (
                  <>
                    {t("expires")} <FormattedDate value={token.expiresAt} />
                  </>
                ) : (
                  t("noExpiry")
                )}{" "}
                · <LastUsed token={token} />
              </span>
            </th>
            <td className={`${WIDE_ONLY} whitespace-nowrap px-4 py-3`}>
              <code
                dir="ltr"
                className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-200"
              >
                {token.prefix}…
              </code>
            </td>
            <td className={`${WIDE_ONLY} whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300`}>
              <FormattedDate value={token.createdAt} />
            </td>
            <td className={`${WIDE_ONLY} whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300`}>
              <Expiry token={token} />
            </td>
            <td className={`${WIDE_ONLY} whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300`}>
              <LastUsed token={token} />
            </td>
            <td className="px-4 py-3 text-end">
              <Button
                variant="danger-ghost"
                size="sm"
                onClick={() => {
                  setError(undefined)
                  setConfirming(token)
                }}
              >
                {t("revoke")}
                <span className="sr-only"> {token.name}</span>
              </Button>
            </td>
          </tr>
        ))}
      </DataTable>
      <ConfirmDialog
        open={confirming !== undefined}
        title={t("revokeTitle")}
        confirmLabel={t("revokeConfirm")}
        pendingLabel={t("revoking")}
        pending={pending}
        error={error}
        onConfirm={() => confirming && revoke(confirming)}
        onClose={() => !pending && setConfirming(undefined)}
      >
        <p>
          {t.rich("revokeBody", {
            name: () => <span className="font-medium text-slate-900 dark:text-slate-100">{confirming?.name}</span>,
            prefix: () => (
              <code dir="ltr" className="font-mono text-xs">
                {confirming?.prefix}…
              </code>
            ),
          })}
        </p>
      </ConfirmDialog>
    </>
  )
}
