"use client"

import { useRouter } from "next/navigation"
import { useTranslations } from "next-intl"
import { useState } from "react"
import { Button } from "@/components/ui/button"
import { ConfirmDialog } from "@/components/ui/confirm-dialog"
import { useApiErrorMessage } from "@/components/use-api-error-message"
import { readApiFailure } from "@/lib/shared/api-client"

/** Closes an upload request after confirmation; the next upload through the link is refused. */
export function UploadRequestCloseButton({ id, title }: { id: string; title: string }) {
  const router = useRouter()
  const t = useTranslations("requestClose")
  const errorMessage = useApiErrorMessage()
  const [confirming, setConfirming] = useState(false)
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string>()

  async function close() {
    setPending(true)
    setError(undefined)
    try {
      const response = await fetch(`/api/upload-requests/${id}/close`, { method: "POST" })
      if (!response.ok) {
        setError(errorMessage(await readApiFailure(response)))
        return
      }
      setConfirming(false)
      router.refresh()
    } catch {
      setError(errorMessage("network"))
    } finally {
      setPending(false)
    }
  }

  return (
    <>
      <Button variant="danger-ghost" size="sm" onClick={() => setConfirming(true)}>
        {t("close")}
        <span className="sr-only"> {title}</span>
      </Button>
      <ConfirmDialog
        open={confirming}
        title={t("title")}
        confirmLabel={t("confirm")}
        pendingLabel={t("closing")}
        pending={pending}
        error={error}
        onConfirm={() => void close()}
        onClose={() => !pending && setConfirming(false)}
      >
        <p>{t("body", { title })}</p>
      </ConfirmDialog>
    </>
  )
}
