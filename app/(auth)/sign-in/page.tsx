import type { Metadata } from "next"
import { getTranslations } from "next-intl/server"
import Link from "next/link"
import { redirect } from "next/navigation"
import { readAuthParams, type AuthSearchParams } from "@/app/(auth)/auth-params"
import { AuthCard, TEXT_LINK_CLASSES } from "@/components/auth-card"
import { SignInForm } from "@/components/auth-sign-in-form"
import { accountPolicyFromEnv } from "@/lib/accounts"
import { getCurrentUser, getOidcProviderName } from "@/lib/auth"
import { signInErrorKey } from "@/lib/shared/auth-client"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("signIn.metaTitle") }
}

export default async function SignInPage({ searchParams }: { searchParams: AuthSearchParams }) {
  const { callbackPath, error, signUpHref } = await readAuthParams(searchParams)
  if (await getCurrentUser()) redirect(callbackPath)
  const oidcProviderName = getOidcProviderName()
  const registrationOpen = accountPolicyFromEnv().registration === "open"
  const t = await getTranslations("auth")

  return (
    <AuthCard
      title={t("signIn.title")}
      description={t("signIn.description")}
      footer={
        registrationOpen && (
          <p>
            {t("signIn.newHere")}{" "}
            <Link href={signUpHref} className={TEXT_LINK_CLASSES}>
              {t("signIn.createAccount")}
            </Link>
          </p>
        )
      }
    >
      <SignInForm
        callbackPath={callbackPath}
        oidcProviderName={oidcProviderName}
        initialError={
          error
            ? t(`signInErrors.${signInErrorKey(error)}`, { provider: oidcProviderName ?? t("singleSignOn") })
            : undefined
        }
      />
    </AuthCard>
  )
}
