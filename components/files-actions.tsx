"use client"

import { useTranslations } from "next-intl"
import { useRouter } from "next/navigation"
import { useState, useTransition } from "react"
import { ShareDialog, type ShareSettings } from "@/components/files-share-dialog"
import { Button } from "@/components/ui/button"
import { ConfirmDialog } from "@/components/ui/confirm-dialog"
import { useApiErrorMessage } from "@/components/use-api-error-message"
import { readApiFailure } from "@/lib/shared/api-client"

/** Share and delete for one row of My files; both refresh the server-rendered list afterwards. */
export function FileActions({
  file,
  shareSettings,
  align = "end",
}: {
  file: { id: string; name: string }
  shareSettings: ShareSettings
  /** "start" in a phone's card, where the actions sit under the name. */
  align?: "start" | "end"
}) {
  const t = useTranslations("files")
  const errorMessage = useApiErrorMessage()
  const router = useRouter()
  const [, startTransition] = useTransition()
  const [sharing, setSharing] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string>()
  const refresh = () => startTransition(() => router.refresh())

  async function remove() {
    setPending(true)
    setError(undefined)
    try {
      const response = await fetch(`/api/files/${encodeURIComponent(file.id)}`, { method: "DELETE" })
      // 404: deleted meanwhile (another tab); either way it is gone.
      if (response.ok || response.status === 404) {
        setConfirming(false)
        refresh()
      } else {
        setError(errorMessage(await readApiFailure(response)))
      }
    } catch {
      setError(errorMessage("network"))
    }
    setPending(false)
  }

  return (
    <div className={`flex flex-wrap items-center gap-1 ${align === "end" ? "justify-end" : "justify-start"}`}>
      {/* A plain link: the route answers 302 to storage, which sends the file as an attachment. */}
      <a
        href={`/api/files/${file.id}/download`}
        className="whitespace-nowrap px-2 text-sm font-medium text-brand-600 hover:text-brand-700 dark:text-brand-300 dark:hover:text-brand-200"
        aria-label={t("downloadNamed", { name: file.name })}
      >
        {t("download")}
      </a>
      <Button
        variant="ghost"
        size="sm"
        onClick={() => setSharing(true)}
        aria-label={t("shareNamed", { name: file.name })}
      >
        {t("share")}
      </Button>
      <Button
        variant="danger-ghost"
        size="sm"
        onClick={() => setConfirming(true)}
        aria-label={t("deleteNamed", { name: file.name })}
      >
        {t("delete")}
      </Button>
      {sharing && (
        <ShareDialog files={[file]} settings={shareSettings} onClose={() => setSharing(false)} onChanged={refresh} />
      )}
      <ConfirmDialog
        open={confirming}
        title={t("deleteTitle", { name: file.name })}
        confirmLabel={t("deleteConfirm")}
        pendingLabel={t("deleting")}
        pending={pending}
        error={error}
        onConfirm={remove}
        onClose={() => {
          setConfirming(false)
          setError(undefined)
        }}
      >
        {t("deleteBody")}
      </ConfirmDialog>
    </div>
  )
}
