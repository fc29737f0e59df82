import type { Metadata } from "next"
import Link from "next/link"
import { AuthCard } from "@/components/auth-card"
import { SignOutButton } from "@/components/auth-sign-out-button"
import { buttonClasses } from "@/components/ui/button"
import { getCurrentUser } from "@/lib/auth"

export const metadata: Metadata = { title: "Sign out" }

// next-auth sends people here (pages.signOut); signing out is a POST, so it needs a click.
export default async function SignOutPage() {
  const user = await getCurrentUser()

  if (!user) {
    return (
      <AuthCard title="You're signed out" description="See you next time.">
        <div className="flex flex-col gap-3">
          <Link href="/sign-in" className={buttonClasses()}>
            Sign in
          </Link>
          <Link href="/" className={buttonClasses({ variant: "secondary" })}>
            Go to the home page
          </Link>
        </div>
      </AuthCard>
    )
  }

  return (
    <AuthCard
      title="Sign out of Valet?"
      description={
        <>
          You&apos;re signed in as <span className="font-medium text-slate-900 dark:text-white">{user.email}</span>.
        </>
      }
    >
      <div className="flex flex-col gap-3">
        <SignOutButton className={buttonClasses()} />
        <Link href="/" className={buttonClasses({ variant: "secondary" })}>
          Stay signed in
        </Link>
      </div>
    </AuthCard>
  )
}
