import type { Metadata } from "next"
import { getTranslations } from "next-intl/server"
import Link from "next/link"
import { redirect } from "next/navigation"
import { readAuthParams, type AuthSearchParams } from "@/app/(auth)/auth-params"
import { AuthCard, TEXT_LINK_CLASSES } from "@/components/auth-card"
import { SignUpForm } from "@/components/auth-sign-up-form"
import { buttonClasses } from "@/components/ui/button"
import { accountPolicyFromEnv } from "@/lib/accounts"
import { getCurrentUser } from "@/lib/auth"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("signUp.metaTitle") }
}

export default async function SignUpPage({ searchParams }: { searchParams: AuthSearchParams }) {
  const { callbackPath, signInHref } = await readAuthParams(searchParams)
  if (await getCurrentUser()) redirect(callbackPath)
  const t = await getTranslations("auth")

  if (accountPolicyFromEnv().registration === "closed") {
    return (
      <AuthCard title={t("signUp.closedTitle")} description={t("signUp.closedDescription")}>
        <p className="text-sm text-slate-600 dark:text-slate-300">{t("signUp.closedBody")}</p>
        <Link href={signInHref} className={buttonClasses({ className: "mt-5 w-full" })}>
          {t("signUp.signIn")}
        </Link>
      </AuthCard>
    )
  }

  return (
    <AuthCard
      title={t("signUp.title")}
      description={t("signUp.description")}
      footer={
        <p>
          {t("signUp.haveAccount")}{" "}
          <Link href={signInHref} className={TEXT_LINK_CLASSES}>
            {t("signUp.signIn")}
          </Link>
        </p>
      }
    >
      <SignUpForm callbackPath={callbackPath} signInHref={signInHref} />
    </AuthCard>
  )
}
