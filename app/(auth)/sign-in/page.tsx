import type { Metadata } from "next"
import Link from "next/link"
import { redirect } from "next/navigation"
import { readAuthParams, type AuthSearchParams } from "@/app/(auth)/auth-params"
import { AuthCard, TEXT_LINK_CLASSES } from "@/components/auth-card"
import { SignInForm } from "@/components/auth-sign-in-form"
import { accountPolicyFromEnv } from "@/lib/accounts"
import { getCurrentUser, getOidcProviderName } from "@/lib/auth"
import { signInErrorMessage } from "@/lib/shared/auth-client"

export const metadata: Metadata = { title: "Sign in" }

export default async function SignInPage({ searchParams }: { searchParams: AuthSearchParams }) {
  const { callbackPath, error, signUpHref } = await readAuthParams(searchParams)
  if (await getCurrentUser()) redirect(callbackPath)
  const oidcProviderName = getOidcProviderName()
  const registrationOpen = accountPolicyFromEnv().registration === "open"

  return (
    <AuthCard
      title="Sign in to Valet"
      description="Welcome back."
      footer={
        registrationOpen && (
          <p>
            New here?{" "}
            <Link href={signUpHref} className={TEXT_LINK_CLASSES}>
              Create an account
            </Link>
          </p>
        )
      }
    >
      <SignInForm
        callbackPath={callbackPath}
        oidcProviderName={oidcProviderName}
        initialError={error ? signInErrorMessage(error, oidcProviderName) : undefined}
      />
    </AuthCard>
  )
}
