import type { Metadata } from "next"
import { FileUploaderLoader } from "@/components/file-uploader-loader"
import { FilesTable } from "@/components/files-table"
import { requirePageUser } from "@/lib/auth"
import { getEnv } from "@/lib/env"
import { listFiles } from "@/lib/files"

export const metadata: Metadata = { title: "My files" }

export default async function FilesPage() {
  const account = await requirePageUser("/files")
  const env = getEnv()
  const { files } = await listFiles({ ...account, via: "session" }, { limit: 100 })
  const settings = {
    maxFileSize: env.MAX_FILE_SIZE_BYTES,
    multipartThreshold: env.MULTIPART_THRESHOLD_BYTES,
    partSize: env.MULTIPART_PART_SIZE_BYTES,
  }
  return (
    <div className="space-y-10">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold tracking-tight">My files</h1>
        <p className="text-slate-600 dark:text-slate-300">
          Uploads go from your browser straight to storage with single-use keys; Valet only checks the result.
        </p>
      </header>
      <section aria-labelledby="upload-heading" className="space-y-3">
        <h2 id="upload-heading" className="text-sm font-semibold uppercase tracking-wide text-slate-500">Upload</h2>
        <FileUploaderLoader settings={settings} />
      </section>
      <section aria-labelledby="files-heading" className="space-y-3">
        <h2 id="files-heading" className="text-sm font-semibold uppercase tracking-wide text-slate-500">Files</h2>
        <FilesTable files={files} shareSettings={{ maxExpirySeconds: env.SHARE_MAX_EXPIRY_SECONDS ?? null }} />
      </section>
    </div>
  )
}
