"use client"

import { useTranslations } from "next-intl"
import dynamic from "next/dynamic"
import type { StoredFile, UploadSettings, UploadTarget } from "@/components/file-uploader"

// Uppy works on browser objects only (File, IndexedDB, XHR); it is never rendered on the server.
const FileUploader = dynamic(() => import("@/components/file-uploader").then((module) => module.FileUploader), {
  ssr: false,
  loading: () => <UploaderPlaceholder />,
})

/** Holds the dashboard's place (its compact height) while Uppy loads. */
function UploaderPlaceholder() {
  const t = useTranslations("uploader")
  return (
    <div className="flex h-[220px] items-center justify-center rounded-xl border border-dashed border-slate-300 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
      {t("loading")}
    </div>
  )
}

export function FileUploaderLoader(props: {
  settings: UploadSettings
  target?: UploadTarget
  note?: string
  onStored?: (files: StoredFile[]) => void
}) {
  return <FileUploader {...props} />
}
