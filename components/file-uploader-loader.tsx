"use client"

import dynamic from "next/dynamic"
import type { StoredFile, UploadSettings, UploadTarget } from "@/components/file-uploader"

// Uppy works on browser objects only (File, IndexedDB, XHR); it is never rendered on the server.
const FileUploader = dynamic(() => import("@/components/file-uploader").then((module) => module.FileUploader), {
  ssr: false,
  loading: () => (
    <div className="flex h-[380px] items-center justify-center rounded-xl border border-dashed border-slate-300 text-sm text-slate-500 dark:border-slate-700">
      Loading the uploader…
    </div>
  ),
})

export function FileUploaderLoader(props: { settings: UploadSettings; target?: UploadTarget; note?: string; onStored?: (files: StoredFile[]) => void }) {
  return <FileUploader {...props} />
}
