import type { Metadata } from "next"
import Link from "next/link"
import { notFound } from "next/navigation"
import { getLocale, getTranslations } from "next-intl/server"
import { UploadRequestCloseButton } from "@/components/upload-request-close-button"
import { FormattedDate } from "@/components/ui/formatted-date"
import { requirePageUser } from "@/lib/auth"
import { ApiError } from "@/lib/errors"
import { getOwnUploadRequest } from "@/lib/upload-requests"
import { formatBytesIn } from "@/lib/shared/format"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("requestDetail"))("metaTitle") }
}

export default async function UploadRequestPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  const account = await requirePageUser(`/requests/${id}`)
  const result = await getOwnUploadRequest({ ...account, via: "session" }, id).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) notFound()
    throw error
  })
  const { request, files } = result
  const t = await getTranslations("requestDetail")
  const locale = await getLocale()
  const formatBytes = (bytes: number) => formatBytesIn(locale, bytes)
  return (
    <div className="space-y-8">
      <header className="space-y-2">
        <Link
          href="/requests"
          className="text-sm text-brand-600 hover:text-brand-700 dark:text-brand-300 dark:hover:text-brand-200"
        >
          <span aria-hidden="true" className="inline-block rtl:rotate-180">
            ←
          </span>{" "}
          {t("back")}
        </Link>
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h1 className="break-words text-3xl font-semibold tracking-tight">{request.title}</h1>
          {request.state === "open" && <UploadRequestCloseButton id={request.id} title={request.title} />}
        </div>
        <p className="text-slate-600 dark:text-slate-300">
          {t("summary", {
            state: request.state,
            received: request.filesReceived,
            max: request.maxFiles,
            bytes: formatBytes(request.bytesReceived),
            maxBytes: formatBytes(request.maxTotalSize),
          })}
        </p>
      </header>
      {files.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">
          <p className="font-medium text-slate-700 dark:text-slate-200">{t("emptyTitle")}</p>
          <p className="mt-1 text-sm">{t("emptyBody")}</p>
        </div>
      ) : (
        <ul
          className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900"
          aria-label={t("received")}
        >
          {files.map((file) => (
            <li key={file.id} className="flex items-center justify-between gap-4 px-4 py-3 text-sm">
              <span className="min-w-0">
                <span className="block truncate font-medium">{file.name}</span>
                <span className="text-slate-600 dark:text-slate-400">
                  <bdi dir="ltr">{formatBytes(file.size)}</bdi> ·{" "}
                  <FormattedDate value={file.createdAt.toISOString()} withTime />
                </span>
              </span>
              <a
                href={`/api/files/${file.id}/download`}
                className="font-medium text-brand-600 hover:text-brand-700 dark:text-brand-300 dark:hover:text-brand-200"
                aria-label={t("downloadNamed", { name: file.name })}
              >
                {t("download")}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
