import type { Metadata } from "next"
import { cookies, headers } from "next/headers"
import { getTranslations } from "next-intl/server"
import { notFound } from "next/navigation"
import { ShareRecipient } from "@/components/share-recipient"
import { buttonClasses } from "@/components/ui/button"
import { FormAlert } from "@/components/ui/form-alert"
import { INPUT_CLASSES } from "@/components/ui/input-classes"
import { clientIp } from "@/lib/rate-limit"
import { describeShare, isShareUnlocked, recordShareView, SHARE_UNLOCK_COOKIE } from "@/lib/shares"

// The page's URL holds the share token: no Referer may carry it to another site, and search
// engines must not keep it.
export async function generateMetadata(): Promise<Metadata> {
  return {
    title: (await getTranslations("recipient"))("metaTitle"),
    referrer: "no-referrer",
    robots: { index: false, follow: false },
  }
}

/** Why a form came back: the unlock and download routes redirect here with the failure's code. */
const FORM_ERRORS = new Set(["password_required", "wrong_password", "rate_limited", "share_used_up", "busy"])

type PageProps = { params: Promise<{ token: string }>; searchParams: Promise<{ error?: string | string[] }> }

// GET /s/:token — what a recipient sees: 404 unknown, 410 (set by proxy.ts) for a dead link
export default async function SharePage({ params, searchParams }: PageProps) {
  const { token } = await params
  const share = await describeShare(token)
  if (!share) notFound()
  const t = await getTranslations("recipient")

  if (share.state !== "active") {
    return (
      <section className="mx-auto max-w-md space-y-3 text-center">
        <h1 className="text-2xl font-semibold tracking-tight">{t(`gone.${share.state}.title`)}</h1>
        <p className="text-slate-600 dark:text-slate-300">{t(`gone.${share.state}.text`)}</p>
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
      ? FORM_ERRORS.has(errorCode)
        ? t(`formErrors.${errorCode}`)
        : t("failed")
      : undefined

  if (!unlocked) {
    return (
      <section className="mx-auto max-w-md space-y-6 rounded-xl border border-slate-200 bg-white p-6 text-left shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <header className="space-y-1">
          <p className="text-sm text-slate-600 dark:text-slate-300">
            {t("sharedWithYou", { count: share.files.length })}
          </p>
          <h1 className="break-words text-2xl font-semibold tracking-tight">{share.title ?? t("passwordProtected")}</h1>
        </header>
        {error && <FormAlert>{error}</FormAlert>}
        <form method="post" action={`/s/${token}/unlock`} className="space-y-4">
          <div>
            <label htmlFor="share-password" className="block text-sm font-medium text-slate-700 dark:text-slate-200">
              {t("password")}
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
            {t("open")}
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
