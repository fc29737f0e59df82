import { getFormatter, getLocale, getTranslations } from "next-intl/server"
import Link from "next/link"
import { FileActions } from "@/components/files-actions"
import { FileSelectBox } from "@/components/files-selection"
import type { ShareSettings } from "@/components/files-share-dialog"
import { DataTable, Th } from "@/components/ui/data-table"
import { FileNameWithIcon } from "@/components/ui/file-type-icon"
import { FormattedDate } from "@/components/ui/formatted-date"
import type { FileListItem } from "@/lib/files"
import { fileKindOf } from "@/lib/shared/file-kind"
import { formatBytesIn } from "@/lib/shared/format"

/**
 * The signed-in user's files; each download is a fresh, one-minute key minted on click. A table
 * from `md` up; on a phone each file is a card whose actions wrap under it, so nothing scrolls
 * sideways and every action stays in reach.
 */
export async function FilesTable({ files, shareSettings }: { files: FileListItem[]; shareSettings: ShareSettings }) {
  const t = await getTranslations("files")
  const locale = await getLocale()
  const format = await getFormatter()
  if (files.length === 0) {
    return (
      <div className="rounded-xl border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">
        <p className="font-medium text-slate-700 dark:text-slate-200">{t("emptyTitle")}</p>
        <p className="mt-1 text-sm">{t("emptyBody")}</p>
      </div>
    )
  }
  const kind = (file: FileListItem) => t(`kinds.${fileKindOf(file.type, file.name)}`)
  const fromRequest = (file: FileListItem) =>
    file.fromRequest && (
      <Link
        href={`/requests/${file.fromRequest.id}`}
        className="mt-0.5 block truncate text-xs font-normal text-slate-600 hover:text-brand-700 dark:text-slate-400 dark:hover:text-brand-200"
      >
        {t("receivedThrough", { title: file.fromRequest.title })}
      </Link>
    )
  const links = (file: FileListItem) => t("activeLinksCount", { count: file.activeShares })
  return (
    <>
      <ul className="space-y-3 md:hidden" aria-label={t("caption")}>
        {files.map((file) => (
          <li
            key={file.id}
            className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
          >
            <div className="flex items-start gap-3">
              <div className="pt-0.5">
                <FileSelectBox file={{ id: file.id, name: file.name }} />
              </div>
              <div className="min-w-0 font-medium" title={file.name}>
                <FileNameWithIcon name={file.name} type={file.type} />
                {fromRequest(file)}
              </div>
            </div>
            {/* Each fact isolated (<bdi>): a Latin word beside a date must not reorder it in Arabic. */}
            <p className="mt-1 flex flex-wrap gap-x-2 text-sm text-slate-600 dark:text-slate-300">
              <bdi dir="ltr">{formatBytesIn(locale, file.size)}</bdi>
              <span aria-hidden="true">·</span>
              <bdi>{kind(file)}</bdi>
              <span aria-hidden="true">·</span>
              <bdi>
                <FormattedDate value={file.createdAt.toISOString()} />
              </bdi>
              <span aria-hidden="true">·</span>
              <bdi>{links(file)}</bdi>
            </p>
            <div className="mt-2 -ms-2">
              <FileActions file={{ id: file.id, name: file.name }} shareSettings={shareSettings} align="start" />
            </div>
          </li>
        ))}
      </ul>
      <div className="hidden md:block">
        <DataTable
          caption={t("caption")}
          head={
            <>
              <Th srOnly>{t("select")}</Th>
              <Th>{t("name")}</Th>
              <Th>{t("size")}</Th>
              <Th>{t("kind")}</Th>
              <Th className="hidden lg:table-cell">{t("uploaded")}</Th>
              <Th>{t("activeLinks")}</Th>
              <Th srOnly>{t("actions")}</Th>
            </>
          }
        >
          {files.map((file) => (
            <tr key={file.id}>
              <td className="w-8 py-3 ps-4">
                <FileSelectBox file={{ id: file.id, name: file.name }} />
              </td>
              <td className="px-4 py-3 font-medium" title={file.name}>
                {/* A fixed measure, so a long name or request title truncates instead of pushing the actions out. */}
                <div className="w-48 lg:w-56">
                  <FileNameWithIcon name={file.name} type={file.type} />
                  {fromRequest(file)}
                </div>
              </td>
              <td className="whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300">
                {/* "85.9 KiB" keeps its order inside Arabic text. */}
                <bdi dir="ltr">{formatBytesIn(locale, file.size)}</bdi>
              </td>
              <td className="whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300" title={file.type}>
                {kind(file)}
              </td>
              <td className="hidden whitespace-nowrap px-4 py-3 text-slate-600 lg:table-cell dark:text-slate-300">
                <FormattedDate value={file.createdAt.toISOString()} />
              </td>
              <td className="px-4 py-3 text-slate-600 dark:text-slate-300">{format.number(file.activeShares)}</td>
              <td className="px-4 py-3 text-end">
                <FileActions file={{ id: file.id, name: file.name }} shareSettings={shareSettings} />
              </td>
            </tr>
          ))}
        </DataTable>
      </div>
    </>
  )
}
