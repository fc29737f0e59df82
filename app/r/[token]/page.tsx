import type { Metadata } from "next"
import { notFound } from "next/navigation"
import { getLocale, getTranslations } from "next-intl/server"
import { FormattedDate } from "@/components/ui/formatted-date"
import { UploadRequestSender } from "@/components/upload-request-sender"
import { getEnv } from "@/lib/env"
import { describeUploadRequest } from "@/lib/upload-requests"
import { formatBytesIn } from "@/lib/shared/format"

// The URL holds the link's token: no Referer may carry it away, no search engine may keep it.
export async function generateMetadata(): Promise<Metadata> {
  return {
    title: (await getTranslations("requestSend"))("metaTitle"),
    referrer: "no-referrer",
    robots: { index: false, follow: false },
  }
}

// GET /r/:token — someone without an account sends files to the link's owner; 410 (proxy.ts) once closed
export default async function UploadRequestPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params
  const request = await describeUploadRequest(token)
  if (!request) notFound()
  const t = await getTranslations("requestSend")
  const locale = await getLocale()
  const formatBytes = (bytes: number) => formatBytesIn(locale, bytes)

  if (request.state !== "open") {
    return (
      <section className="mx-auto max-w-md space-y-3 text-center">
        <h1 className="text-2xl font-semibold tracking-tight">{t("closedTitle")}</h1>
        <p className="text-slate-600 dark:text-slate-300">
          {request.state === "expired" ? t("closedExpired") : t("closedByOwner")} {t("closedAsk")}
        </p>
      </section>
    )
  }

  const env = getEnv()
  const maxFileSize = Math.min(request.maxFileSize, request.bytesLeft)
  const types = request.allowedTypes.length ? request.allowedTypes.join(", ") : t("anyType")
  return (
    <section className="mx-auto max-w-3xl space-y-6">
      <header className="space-y-2">
        <p className="text-sm text-slate-500 dark:text-slate-400">{t("asked")}</p>
        <h1 dir="auto" className="break-words text-start text-3xl font-semibold tracking-tight">
          {request.title}
        </h1>
        {request.message && (
          <p dir="auto" className="whitespace-pre-line text-start text-slate-600 dark:text-slate-300">
            {request.message}
          </p>
        )}
      </header>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-500 dark:text-slate-400">{t("filesLeft")}</dt>
        <dd>{request.filesLeft}</dd>
        <dt className="text-slate-500 dark:text-slate-400">{t("spaceLeft")}</dt>
        <dd>
          {t("spaceLeftValue", { left: formatBytes(request.bytesLeft), perFile: formatBytes(request.maxFileSize) })}
        </dd>
        <dt className="text-slate-500 dark:text-slate-400">{t("accepted")}</dt>
        <dd>{types}</dd>
        <dt className="text-slate-500 dark:text-slate-400">{t("openUntil")}</dt>
        <dd>
          {request.expiresAt ? <FormattedDate value={request.expiresAt.toISOString()} withTime /> : t("untilClosed")}
        </dd>
      </dl>
      {request.filesLeft === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 p-6 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">
          {t("full")}
        </p>
      ) : (
        <UploadRequestSender
          token={token}
          passwordRequired={request.passwordRequired}
          maxNumberOfFiles={request.filesLeft}
          allowedFileTypes={request.allowedTypes}
          note={t("note", { count: request.filesLeft, size: formatBytes(maxFileSize) })}
          settings={{
            maxFileSize,
            multipartThreshold: env.MULTIPART_THRESHOLD_BYTES,
            partSize: env.MULTIPART_PART_SIZE_BYTES,
          }}
        />
      )}
    </section>
  )
}
