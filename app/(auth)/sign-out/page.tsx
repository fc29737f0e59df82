import type { Metadata } from "next"
import { getTranslations } from "next-intl/server"
import Link from "next/link"
import { AuthCard } from "@/components/auth-card"
import { SignOutButton } from "@/components/auth-sign-out-button"
import { buttonClasses } from "@/components/ui/button"
import { getCurrentUser } from "@/lib/auth"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("signOut.metaTitle") }
}

// next-auth sends people here (pages.signOut); signing out is a POST, so it needs a click.
export default async function SignOutPage() {
  const user = await getCurrentUser()
  const t = await getTranslations("auth")

  if (!user) {
    return (
      <AuthCard title={t("signOut.doneTitle")} description={t("signOut.doneDescription")}>
        <div className="flex flex-col gap-3">
          <Link href="/sign-in" className={buttonClasses()}>
            {t("signOut.signIn")}
          </Link>
          <Link href="/" className={buttonClasses({ variant: "secondary" })}>
            {t("signOut.home")}
          </Link>
        </div>
      </AuthCard>
    )
  }

  return (
    <AuthCard
      title={t("signOut.title")}
      description={t.rich("signOut.signedInAs", {
        email: () => (
          <span dir="ltr" className="font-medium text-slate-900 dark:text-white">
            {user.email}
          </span>
        ),
      })}
    >
      <div className="flex flex-col gap-3">
        <SignOutButton className={buttonClasses()} />
        <Link href="/" className={buttonClasses({ variant: "secondary" })}>
          {t("signOut.stay")}
        </Link>
      </div>
    </AuthCard>
  )
}
