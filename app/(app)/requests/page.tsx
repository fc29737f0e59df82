import { DataTable, Th } from "@/components/ui/data-table"
import type { Metadata } from "next"
import { getLocale, getTranslations } from "next-intl/server"
import Link from "next/link"
import { UploadRequestCloseButton } from "@/components/upload-request-close-button"
import { UploadRequestCreateForm } from "@/components/upload-request-create-form"
import { FormattedDate } from "@/components/ui/formatted-date"
import { requirePageUser } from "@/lib/auth"
import { getEnv } from "@/lib/env"
import { listUploadRequests } from "@/lib/upload-requests"
import { formatBytesIn } from "@/lib/shared/format"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("requests"))("pageTitle") }
}

export default async function UploadRequestsPage() {
  const account = await requirePageUser("/requests")
  const requests = await listUploadRequests({ ...account, via: "session" })
  const t = await getTranslations("requests")
  const locale = await getLocale()
  return (
    <div className="space-y-10">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold tracking-tight">{t("pageTitle")}</h1>
        <p className="text-slate-600 dark:text-slate-300">{t("intro")}</p>
      </header>
      <section aria-labelledby="new-request-heading" className="space-y-3">
        <h2
          id="new-request-heading"
          className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400"
        >
          {t("newHeading")}
        </h2>
        <UploadRequestCreateForm maxFileSizeCap={getEnv().MAX_FILE_SIZE_BYTES} />
      </section>
      <section aria-labelledby="requests-heading" className="space-y-3">
        <h2
          id="requests-heading"
          className="text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400"
        >
          {t("listHeading")}
        </h2>
        {requests.length === 0 ? (
          <div className="rounded-xl border border-dashed border-slate-300 p-8 text-center text-slate-500 dark:border-slate-700 dark:text-slate-400">
            <p className="font-medium text-slate-700 dark:text-slate-200">{t("emptyTitle")}</p>
            <p className="mt-1 text-sm">{t("emptyBody")}</p>
          </div>
        ) : (
          <DataTable
            caption={t("caption")}
            head={
              <>
                <Th>{t("fieldTitle")}</Th>
                <Th>{t("state")}</Th>
                <Th>{t("received")}</Th>
                <Th className="hidden sm:table-cell">{t("openUntil")}</Th>
                <Th srOnly>{t("actions")}</Th>
              </>
            }
          >
            {requests.map((request) => (
              <tr key={request.id}>
                <th scope="row" className="max-w-xs truncate px-4 py-3 text-start font-medium">
                  <Link
                    href={`/requests/${request.id}`}
                    className="text-brand-600 hover:text-brand-700 dark:text-brand-300 dark:hover:text-brand-200"
                  >
                    {request.title}
                  </Link>
                </th>
                <td className="px-4 py-3">{t(`states.${request.state}`)}</td>
                <td className="whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-300">
                  {t("receivedOf", { received: request.filesReceived, max: request.maxFiles })} ·{" "}
                  {formatBytesIn(locale, request.bytesReceived)}
                </td>
                <td className="hidden whitespace-nowrap px-4 py-3 text-slate-600 sm:table-cell dark:text-slate-300">
                  {request.expiresAt ? (
                    <FormattedDate value={request.expiresAt.toISOString()} withTime />
                  ) : (
                    t("untilClosed")
                  )}
                </td>
                <td className="px-4 py-3 text-end">
                  {request.state === "open" && <UploadRequestCloseButton id={request.id} title={request.title} />}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </div>
  )
}
