import type { Metadata } from "next"
import { notFound } from "next/navigation"
import { FormattedDate } from "@/components/ui/formatted-date"
import { UploadRequestSender } from "@/components/upload-request-sender"
import { getEnv } from "@/lib/env"
import { describeUploadRequest } from "@/lib/upload-requests"
import { formatBytes } from "@/lib/shared/upload-layout"

// The URL holds the link's token: no Referer may carry it away, no search engine may keep it.
export const metadata: Metadata = {
  title: "Send files",
  referrer: "no-referrer",
  robots: { index: false, follow: false },
}

// GET /r/:token — someone without an account sends files to the link's owner; 410 (proxy.ts) once closed
export default async function UploadRequestPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params
  const request = await describeUploadRequest(token)
  if (!request) notFound()

  if (request.state !== "open") {
    return (
      <section className="mx-auto max-w-md space-y-3 text-center">
        <h1 className="text-2xl font-semibold tracking-tight">This upload link is closed</h1>
        <p className="text-slate-600 dark:text-slate-300">
          {request.state === "expired"
            ? "It was only open for a limited time."
            : "Its owner has stopped taking files through it."}{" "}
          Ask them for a new link if you still need to send something.
        </p>
      </section>
    )
  }

  const env = getEnv()
  const maxFileSize = Math.min(request.maxFileSize, request.bytesLeft)
  const types = request.allowedTypes.length ? request.allowedTypes.join(", ") : "any type"
  return (
    <section className="mx-auto max-w-3xl space-y-6">
      <header className="space-y-2">
        <p className="text-sm text-slate-500 dark:text-slate-400">Someone asked you to send files</p>
        <h1 className="break-words text-3xl font-semibold tracking-tight">{request.title}</h1>
        {request.message && <p className="whitespace-pre-line text-slate-600 dark:text-slate-300">{request.message}</p>}
      </header>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-500 dark:text-slate-400">Files left</dt>
        <dd>{request.filesLeft}</dd>
        <dt className="text-slate-500 dark:text-slate-400">Space left</dt>
        <dd>
          {formatBytes(request.bytesLeft)} (up to {formatBytes(request.maxFileSize)} per file)
        </dd>
        <dt className="text-slate-500 dark:text-slate-400">Accepted</dt>
        <dd>{types}</dd>
        <dt className="text-slate-500 dark:text-slate-400">Open until</dt>
        <dd>
          {request.expiresAt ? (
            <FormattedDate value={request.expiresAt.toISOString()} withTime />
          ) : (
            "closed by its owner"
          )}
        </dd>
      </dl>
      {request.filesLeft === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 p-6 text-center text-slate-600 dark:border-slate-700 dark:text-slate-300">
          This link has received all the files it takes.
        </p>
      ) : (
        <UploadRequestSender
          token={token}
          passwordRequired={request.passwordRequired}
          maxNumberOfFiles={request.filesLeft}
          allowedFileTypes={request.allowedTypes}
          note={`Up to ${request.filesLeft} file${request.filesLeft === 1 ? "" : "s"}, ${formatBytes(maxFileSize)} each at most. You can send files here, but not see what others sent.`}
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
