"use client"

import { useRouter } from "next/navigation"
import { useTranslations } from "next-intl"
import { createContext, useContext, useState, useTransition, type ReactNode } from "react"
import type { StoredFile } from "@/components/file-uploader"
import { FileUploaderLoader } from "@/components/file-uploader-loader"
import { ShareDialog, type ShareSettings } from "@/components/files-share-dialog"
import { Button } from "@/components/ui/button"
import type { UploadSettings } from "@/components/file-uploader"

type Selected = { id: string; name: string }
type Selection = { selected: Map<string, Selected>; toggle: (file: Selected, on: boolean) => void; clear: () => void }

const SelectionContext = createContext<Selection | null>(null)

/**
 * My files' selection: rows tick files, the bar shares the ticked ones in one link, and the
 * uploader offers one link for the batch it just finished ("upload and share").
 */
export function FilesSelectionProvider({ children }: { children: ReactNode }) {
  const [selected, setSelected] = useState<Map<string, Selected>>(new Map())
  const toggle = (file: Selected, on: boolean) =>
    setSelected((current) => {
      const next = new Map(current)
      if (on) next.set(file.id, file)
      else next.delete(file.id)
      return next
    })
  return (
    <SelectionContext.Provider value={{ selected, toggle, clear: () => setSelected(new Map()) }}>
      {children}
    </SelectionContext.Provider>
  )
}

function useSelection(): Selection {
  const selection = useContext(SelectionContext)
  if (!selection) throw new Error("FilesSelectionProvider is missing")
  return selection
}

export function FileSelectBox({ file }: { file: Selected }) {
  const { selected, toggle } = useSelection()
  const t = useTranslations("selection")
  return (
    <input
      type="checkbox"
      checked={selected.has(file.id)}
      onChange={(event) => toggle(file, event.target.checked)}
      aria-label={t("select", { name: file.name })}
      className="h-4 w-4 accent-brand-600"
    />
  )
}

function useRefresh() {
  const router = useRouter()
  const [, startTransition] = useTransition()
  return () => startTransition(() => router.refresh())
}

/** "Share N files in one link", shown while files are ticked. */
export function ShareSelectedBar({ settings }: { settings: ShareSettings }) {
  const { selected, clear } = useSelection()
  const t = useTranslations("selection")
  const [sharing, setSharing] = useState<Selected[] | null>(null)
  const refresh = useRefresh()
  if (selected.size === 0 && !sharing) return null
  return (
    <div className="flex flex-wrap items-center gap-3 rounded-lg border border-brand-100 bg-brand-50 px-3 py-2 text-sm dark:border-brand-700/40 dark:bg-brand-700/15">
      <span>{t("selected", { count: selected.size })}</span>
      <Button size="sm" onClick={() => setSharing([...selected.values()])} disabled={selected.size === 0}>
        {t("shareSelected")}
      </Button>
      <Button size="sm" variant="ghost" onClick={clear}>
        {t("clear")}
      </Button>
      {sharing && (
        <ShareDialog
          files={sharing}
          settings={settings}
          onClose={() => setSharing(null)}
          onChanged={() => {
            clear()
            refresh()
          }}
        />
      )}
    </div>
  )
}

/** The uploader, and once a batch has finished, one link for all of it (WeTransfer-style). */
export function UploadAndShare({
  uploadSettings,
  shareSettings,
}: {
  uploadSettings: UploadSettings
  shareSettings: ShareSettings
}) {
  const t = useTranslations("selection")
  const [stored, setStored] = useState<StoredFile[]>([])
  const [sharing, setSharing] = useState(false)
  const refresh = useRefresh()
  return (
    <div className="space-y-3">
      <FileUploaderLoader settings={uploadSettings} onStored={(files) => setStored(files)} />
      {stored.length > 0 && (
        <div className="flex flex-wrap items-center gap-3 text-sm" role="status">
          <span>{t("uploaded", { count: stored.length })}</span>
          <Button size="sm" onClick={() => setSharing(true)}>
            {t("shareUploaded", { count: stored.length })}
          </Button>
        </div>
      )}
      {sharing && (
        <ShareDialog files={stored} settings={shareSettings} onClose={() => setSharing(false)} onChanged={refresh} />
      )}
    </div>
  )
}
