import { DataTable, Th } from "@/components/ui/data-table"
import Link from "next/link"
import { FileActions } from "@/components/files-actions"
import { FileSelectBox } from "@/components/files-selection"
import type { ShareSettings } from "@/components/files-share-dialog"
import { FileNameWithIcon } from "@/components/ui/file-type-icon"
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
    <DataTable
      caption="Your files, newest first"
      head={
        <>
          <Th srOnly>Select</Th>
          <Th>Name</Th>
          <Th>Size</Th>
          <Th className="hidden sm:table-cell">Type</Th>
          <Th className="hidden sm:table-cell">Uploaded</Th>
          <Th>Active links</Th>
          <Th srOnly>Actions</Th>
        </>
      }
    >
          {files.map((file) => (
            <tr key={file.id}>
              <td className="w-8 py-3 pl-4">
                <FileSelectBox file={{ id: file.id, name: file.name }} />
              </td>
              <td className="max-w-xs px-4 py-3 font-medium" title={file.name}>
                <FileNameWithIcon name={file.name} type={file.type} />
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
    </DataTable>
  )
}
