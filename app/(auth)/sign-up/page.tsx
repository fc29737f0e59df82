import type { Metadata } from "next"
import Link from "next/link"
import { redirect } from "next/navigation"
import { readAuthParams, type AuthSearchParams } from "@/app/(auth)/auth-params"
import { AuthCard, TEXT_LINK_CLASSES } from "@/components/auth-card"
import { SignUpForm } from "@/components/auth-sign-up-form"
import { buttonClasses } from "@/components/ui/button"
import { accountPolicyFromEnv } from "@/lib/accounts"
import { getCurrentUser } from "@/lib/auth"

export const metadata: Metadata = { title: "Sign up" }

export default async function SignUpPage({ searchParams }: { searchParams: AuthSearchParams }) {
  const { callbackPath, signInHref } = await readAuthParams(searchParams)
  if (await getCurrentUser()) redirect(callbackPath)

  if (accountPolicyFromEnv().registration === "closed") {
    return (
      <AuthCard title="Registration is closed" description="This Valet server does not accept new sign-ups.">
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Ask an administrator to create an account for you. If you already have one, sign in.
        </p>
        <Link href={signInHref} className={buttonClasses({ className: "mt-5 w-full" })}>
          Sign in
        </Link>
      </AuthCard>
    )
  }

  return (
    <AuthCard
      title="Create your account"
      description="Share files straight from storage."
      footer={
        <p>
          Already have an account?{" "}
          <Link href={signInHref} className={TEXT_LINK_CLASSES}>
            Sign in
          </Link>
        </p>
      }
    >
      <SignUpForm callbackPath={callbackPath} signInHref={signInHref} />
    </AuthCard>
  )
}
