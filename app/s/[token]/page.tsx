import type { Metadata } from "next"
import { notFound } from "next/navigation"
import { FormAlert } from "@/components/ui/form-alert"
import { FormattedDate } from "@/components/ui/formatted-date"
import { buttonClasses } from "@/components/ui/button"
import { INPUT_CLASSES } from "@/components/ui/input-classes"
import { isErrorCode, type ErrorCode } from "@/lib/shared/error-codes"
import type { ShareState } from "@/lib/share-state"
import { describeShare } from "@/lib/shares"
import { formatBytes } from "@/lib/shared/upload-layout"

// The page's URL holds the share token: no Referer may carry it to another site, and search
// engines must not keep it.
export const metadata: Metadata = { title: "Shared file", referrer: "no-referrer", robots: { index: false, follow: false } }

const GONE: Record<Exclude<ShareState, "active">, { title: string; text: string }> = {
  revoked: { title: "This link was revoked", text: "Its owner has withdrawn it. Ask them for a new link if you still need the file." },
  expired: { title: "This link has expired", text: "It was only valid for a limited time. Ask its owner for a new link." },
  used_up: { title: "This link is used up", text: "It has reached its download limit. Ask its owner for a new link." },
}

/** Why the download form came back: the download route redirects here with the failure's code. */
const FORM_ERRORS: Partial<Record<ErrorCode, string>> = {
  password_required: "Enter the password to download this file.",
  wrong_password: "That password is not right.",
  rate_limited: "Too many wrong passwords. Wait a few minutes before trying again.",
}

type PageProps = { params: Promise<{ token: string }>; searchParams: Promise<{ error?: string | string[] }> }

// GET /s/:token — what a recipient sees: 404 unknown, 410 (set by proxy.ts) for a dead link
export default async function SharePage({ params, searchParams }: PageProps) {
  const { token } = await params
  const share = await describeShare(token)
  if (!share) notFound()

  if (share.state !== "active") {
    const gone = GONE[share.state]
    return (
      <section className="mx-auto max-w-md space-y-3 text-center">
        <h1 className="text-2xl font-semibold tracking-tight">{gone.title}</h1>
        <p className="text-slate-600 dark:text-slate-300">{gone.text}</p>
      </section>
    )
  }

  const errorCode = (await searchParams).error
  const error = typeof errorCode === "string" ? ((isErrorCode(errorCode) && FORM_ERRORS[errorCode]) || "The download did not work. Reload the page and try again.") : undefined
  return (
    <section className="mx-auto max-w-md space-y-6 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      <header className="space-y-1">
        <p className="text-sm text-slate-500">Someone shared a file with you</p>
        <h1 className="break-words text-2xl font-semibold tracking-tight">{share.fileName}</h1>
      </header>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-500">Size</dt>
        <dd>{formatBytes(share.size)}</dd>
        <dt className="text-slate-500">Link expires</dt>
        <dd>{share.expiresAt ? <FormattedDate value={share.expiresAt.toISOString()} withTime /> : "never"}</dd>
        {share.remainingDownloads !== null && (
          <>
            <dt className="text-slate-500">Downloads left</dt>
            <dd>{share.remainingDownloads}</dd>
          </>
        )}
      </dl>
      {error && <FormAlert>{error}</FormAlert>}
      {/* A POST, not a link: previews and prefetchers that follow links must not use up downloads.
          The route answers 302 to storage, which sends the file as an attachment. */}
      <form method="post" action={`/s/${token}/download`} className="space-y-4">
        {share.hasPassword && (
          <div>
            <label htmlFor="share-password" className="block text-sm font-medium text-slate-700 dark:text-slate-200">
              Password
            </label>
            <input
              id="share-password"
              name="password"
              type="password"
              required
              autoComplete="off"
              className={`${INPUT_CLASSES} mt-1 border-slate-300 dark:border-slate-700`}
            />
          </div>
        )}
        <button type="submit" className={buttonClasses({ className: "w-full" })}>
          Download
        </button>
      </form>
    </section>
  )
}
