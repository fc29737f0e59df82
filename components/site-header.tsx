import { getTranslations } from "next-intl/server"
import Link from "next/link"
import { UserMenu } from "@/components/auth-user-menu"
import { EmailVerificationBanner, type EmailVerificationNotice } from "@/components/email-verification-banner"
import { buttonClasses } from "@/components/ui/button"
import { ValetLogo } from "@/components/ui/valet-logo"

const NAV_LINK_CLASSES = "whitespace-nowrap rounded-md py-1 hover:text-slate-900 dark:hover:text-white"

type SiteHeaderProps = {
  /** The signed-in user, if any (the root layout reads the session). */
  user: { email: string; name: string | null; role: string } | null
  isRegistrationOpen: boolean
  verificationNotice: EmailVerificationNotice
}

export async function SiteHeader({ user, isRegistrationOpen, verificationNotice }: SiteHeaderProps) {
  const t = await getTranslations("nav")
  return (
    <>
      <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-900/80">
        {/* On a phone the product links take a row of their own under the logo and the account. */}
        <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-1 px-4 py-2.5 sm:h-14 sm:flex-nowrap sm:py-0">
          <Link
            href="/"
            className="flex shrink-0 items-center gap-2 font-semibold tracking-tight"
            aria-label={t("home")}
          >
            <ValetLogo className="h-6 w-6 text-brand-600 dark:text-brand-300" />
            <span>Valet</span>
          </Link>
          {user && (
            <nav
              aria-label={t("main")}
              className="order-last flex w-full items-center gap-5 text-sm text-slate-600 sm:order-none sm:w-auto dark:text-slate-300"
            >
              <Link href="/files" className={NAV_LINK_CLASSES}>
                {t("files")}
              </Link>
              <Link href="/shares" className={NAV_LINK_CLASSES}>
                {t("shares")}
              </Link>
              <Link href="/requests" className={NAV_LINK_CLASSES}>
                {t("requests")}
              </Link>
            </nav>
          )}
          <div className="ms-auto flex items-center gap-4 text-sm text-slate-600 dark:text-slate-300">
            {user ? (
              <UserMenu email={user.email} name={user.name} isAdmin={user.role === "ADMIN"} />
            ) : (
              <>
                <Link href="/sign-in" className={NAV_LINK_CLASSES}>
                  {t("signIn")}
                </Link>
                {isRegistrationOpen && (
                  <Link href="/sign-up" className={buttonClasses({ size: "sm" })}>
                    {t("signUp")}
                  </Link>
                )}
              </>
            )}
          </div>
        </div>
      </header>
      <EmailVerificationBanner notice={verificationNotice} />
    </>
  )
}
