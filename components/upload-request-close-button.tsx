"use client"

import { useRouter } from "next/navigation"
import { useState } from "react"
import { Button } from "@/components/ui/button"
import { ConfirmDialog } from "@/components/ui/confirm-dialog"
import { NETWORK_ERROR_MESSAGE, readApiFailure } from "@/lib/shared/api-client"

/** Closes an upload request after confirmation; the next upload through the link is refused. */
export function UploadRequestCloseButton({ id, title }: { id: string; title: string }) {
  const router = useRouter()
  const [confirming, setConfirming] = useState(false)
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string>()

  async function close() {
    setPending(true)
    setError(undefined)
    try {
      const response = await fetch(`/api/upload-requests/${id}/close`, { method: "POST" })
      if (!response.ok) {
        setError((await readApiFailure(response)).message)
        return
      }
      setConfirming(false)
      router.refresh()
    } catch {
      setError(NETWORK_ERROR_MESSAGE)
    } finally {
      setPending(false)
    }
  }

  return (
    <>
      <Button variant="danger-ghost" size="sm" onClick={() => setConfirming(true)}>
        Close<span className="sr-only"> {title}</span>
      </Button>
      <ConfirmDialog
        open={confirming}
        title="Close this upload link?"
        confirmLabel="Close link"
        pendingLabel="Closing…"
        pending={pending}
        error={error}
        onConfirm={() => void close()}
        onClose={() => !pending && setConfirming(false)}
      >
        <p>Nobody can send files through “{title}” any more. Files already received stay in My files.</p>
      </ConfirmDialog>
    </>
  )
}
