import type { Metadata } from "next"
import { cookies, headers } from "next/headers"
import { notFound } from "next/navigation"
import { ShareRecipient } from "@/components/share-recipient"
import { buttonClasses } from "@/components/ui/button"
import { FormAlert } from "@/components/ui/form-alert"
import { INPUT_CLASSES } from "@/components/ui/input-classes"
import { clientIp } from "@/lib/rate-limit"
import { describeShare, isShareUnlocked, recordShareView, SHARE_UNLOCK_COOKIE, type ShareState } from "@/lib/shares"

// The page's URL holds the share token: no Referer may carry it to another site, and search
// engines must not keep it.
export const metadata: Metadata = {
  title: "Shared files",
  referrer: "no-referrer",
  robots: { index: false, follow: false },
}

const GONE: Record<Exclude<ShareState, "active">, { title: string; text: string }> = {
  revoked: {
    title: "This link was revoked",
    text: "Its owner has withdrawn it. Ask them for a new link if you still need the files.",
  },
  expired: {
    title: "This link has expired",
    text: "It was only valid for a limited time. Ask its owner for a new link.",
  },
  used_up: { title: "This link is used up", text: "It has reached its download limit. Ask its owner for a new link." },
}

/** Why a form came back: the unlock and download routes redirect here with the failure's code. */
const FORM_ERRORS: Record<string, string> = {
  password_required: "Enter the password to open these files.",
  wrong_password: "That password is not right.",
  rate_limited: "Too many wrong passwords. Wait a few minutes before trying again.",
  share_used_up: "This link has reached its download limit.",
  busy: "The server is busy checking passwords. Try again in a moment.",
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

  const requestHeaders = await headers()
  await recordShareView({
    token,
    ip: clientIp({ headers: requestHeaders }),
    userAgent: requestHeaders.get("user-agent"),
  })
  const unlocked =
    !share.hasPassword || (await isShareUnlocked(token, (await cookies()).get(SHARE_UNLOCK_COOKIE)?.value))
  const errorCode = (await searchParams).error
  // An error is shown only with the form that caused it: once the password is right the page
  // comes back at its clean URL, so no earlier "not right" stays on it.
  const error =
    typeof errorCode === "string"
      ? (FORM_ERRORS[errorCode] ?? "That did not work. Reload the page and try again.")
      : undefined
  const fileCount = `${share.files.length} ${share.files.length === 1 ? "file" : "files"}`

  if (!unlocked) {
    return (
      <section className="mx-auto max-w-md space-y-6 rounded-xl border border-slate-200 bg-white p-6 text-left shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <header className="space-y-1">
          <p className="text-sm text-slate-600 dark:text-slate-300">Someone shared {fileCount} with you</p>
          <h1 className="break-words text-2xl font-semibold tracking-tight">{share.title ?? "Password protected"}</h1>
        </header>
        {error && <FormAlert>{error}</FormAlert>}
        <form method="post" action={`/s/${token}/unlock`} className="space-y-4">
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
          <button type="submit" className={buttonClasses({ className: "w-full" })}>
            Open
          </button>
        </form>
      </section>
    )
  }

  return (
    <ShareRecipient
      token={token}
      title={share.title}
      message={share.message}
      files={share.files}
      totalSize={share.totalSize}
      expiresAt={share.expiresAt?.toISOString() ?? null}
      remainingDownloads={share.remainingDownloads}
      error={error}
    />
  )
}
