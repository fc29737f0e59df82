import Link from "next/link"
import { FileActions } from "@/components/files-actions"
import type { ShareSettings } from "@/components/files-share-dialog"
import { FileTypeIcon } from "@/components/ui/file-type-icon"
import { FormattedDate } from "@/components/ui/formatted-date"
import type { FileListItem } from "@/lib/files"
import { formatBytes } from "@/lib/upload-layout"

/** The signed-in user's files; each download is a fresh, one-minute key minted on click. */
export function FilesTable({ files, shareSettings }: { files: FileListItem[]; shareSettings: ShareSettings }) {
  if (files.length === 0) {
    return (
      <div className="rounded-xl border border-dashed border-slate-300 p-8 text-center text-slate-500 dark:border-slate-700">
        <p className="font-medium text-slate-700 dark:text-slate-200">No files yet</p>
        <p className="mt-1 text-sm">Drop files above. They appear here once storage has confirmed every byte.</p>
      </div>
    )
  }
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Your files, newest first</caption>
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800">
          <tr>
            <th scope="col" className="px-4 py-3 font-medium">Name</th>
            <th scope="col" className="px-4 py-3 font-medium">Size</th>
            <th scope="col" className="hidden px-4 py-3 font-medium sm:table-cell">Type</th>
            <th scope="col" className="hidden px-4 py-3 font-medium sm:table-cell">Uploaded</th>
            <th scope="col" className="px-4 py-3 font-medium">Active links</th>
            <th scope="col" className="px-4 py-3 font-medium"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {files.map((file) => (
            <tr key={file.id}>
              <td className="max-w-xs px-4 py-3 font-medium" title={file.name}>
                <span className="flex items-center gap-2">
                  <FileTypeIcon type={file.type} className="h-5 w-5 shrink-0 text-slate-400" />
                  <span className="truncate">{file.name}</span>
                </span>
                {file.fromRequest && (
                  <Link href={`/requests/${file.fromRequest.id}`} className="mt-0.5 block truncate text-xs font-normal text-slate-500 hover:text-brand-700">
                    Received through “{file.fromRequest.title}”
                  </Link>
                )}
              </td>
              <td className="whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300">{formatBytes(file.size)}</td>
              <td className="hidden px-4 py-3 text-slate-600 sm:table-cell dark:text-slate-300">{file.type}</td>
              <td className="hidden whitespace-nowrap px-4 py-3 text-slate-600 sm:table-cell dark:text-slate-300">
                <FormattedDate value={file.createdAt.toISOString()} withTime />
              </td>
              <td className="px-4 py-3 text-slate-600 dark:text-slate-300">{file.activeShares}</td>
              <td className="px-4 py-3 text-right">
                <FileActions file={{ id: file.id, name: file.name }} shareSettings={shareSettings} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
