import Link from "next/link"
import { UserMenu } from "@/components/auth-user-menu"
import { buttonClasses } from "@/components/ui/button"
import { ValetLogo } from "@/components/ui/valet-logo"
import { accountPolicyFromEnv } from "@/lib/accounts"
import { getCurrentUser } from "@/lib/auth"

const NAV_LINK_CLASSES = "rounded-md hover:text-slate-900 dark:hover:text-white"

export async function SiteHeader() {
  const user = await getCurrentUser()
  return (
    <header className="border-b border-slate-200 bg-white/80 backdrop-blur dark:border-slate-800 dark:bg-slate-900/80">
      <div className="mx-auto flex h-14 max-w-5xl items-center justify-between px-4">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight" aria-label="Valet home">
          <ValetLogo className="h-6 w-6 text-brand-600 dark:text-brand-300" />
          <span>Valet</span>
        </Link>
        <nav aria-label="Main" className="flex items-center gap-4 text-sm text-slate-600 dark:text-slate-300">
          <a href="/api/health" className={NAV_LINK_CLASSES}>
            Status
          </a>
          {user && (
            <>
              <Link href="/files" className={NAV_LINK_CLASSES}>
                My files
              </Link>
              <Link href="/shares" className={NAV_LINK_CLASSES}>
                My shares
              </Link>
            </>
          )}
          {user ? (
            <UserMenu email={user.email} name={user.name} isAdmin={user.role === "ADMIN"} />
          ) : (
            <>
              <Link href="/sign-in" className={NAV_LINK_CLASSES}>
                Sign in
              </Link>
              {accountPolicyFromEnv().registration === "open" && (
                <Link href="/sign-up" className={buttonClasses({ size: "sm" })}>
                  Sign up
                </Link>
              )}
            </>
          )}
        </nav>
      </div>
    </header>
  )
}
