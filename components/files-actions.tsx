"use client"

import { useRouter } from "next/navigation"
import { useState, useTransition } from "react"
import { ShareDialog, type ShareSettings } from "@/components/files-share-dialog"
import { Button } from "@/components/ui/button"
import { ConfirmDialog } from "@/components/ui/confirm-dialog"
import { NETWORK_ERROR_MESSAGE, readApiFailure } from "@/lib/api-client"

/** Share and delete for one row of My files; both refresh the server-rendered list afterwards. */
export function FileActions({ file, shareSettings }: { file: { id: string; name: string }; shareSettings: ShareSettings }) {
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
        setError((await readApiFailure(response)).message)
      }
    } catch {
      setError(NETWORK_ERROR_MESSAGE)
    }
    setPending(false)
  }

  return (
    <div className="flex items-center justify-end gap-1">
      {/* A plain link: the route answers 302 to storage, which sends the file as an attachment. */}
      <a href={`/api/files/${file.id}/download`} className="px-2 font-medium text-brand-600 hover:text-brand-700" aria-label={`Download ${file.name}`}>
        Download
      </a>
      <Button variant="ghost" size="sm" onClick={() => setSharing(true)} aria-label={`Share ${file.name}`}>
        Share
      </Button>
      <Button variant="danger-ghost" size="sm" onClick={() => setConfirming(true)} aria-label={`Delete ${file.name}`}>
        Delete
      </Button>
      {sharing && <ShareDialog files={[file]} settings={shareSettings} onClose={() => setSharing(false)} onChanged={refresh} />}
      <ConfirmDialog
        open={confirming}
        title={`Delete ${file.name}?`}
        confirmLabel="Delete file"
        pendingLabel="Deleting…"
        pending={pending}
        error={error}
        onConfirm={remove}
        onClose={() => {
          setConfirming(false)
          setError(undefined)
        }}
      >
        The file is removed from storage and every link to it stops working. This cannot be undone.
      </ConfirmDialog>
    </div>
  )
}
