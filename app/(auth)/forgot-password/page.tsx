import type { Metadata } from "next"
import Link from "next/link"
import { AuthCard, TEXT_LINK_CLASSES } from "@/components/auth-card"
import { ForgotPasswordForm } from "@/components/account-link-forms"
import { FormAlert } from "@/components/ui/form-alert"
import { isMailConfigured } from "@/lib/mail/transport"

export const metadata: Metadata = { title: "Forgot password" }

export default function ForgotPasswordPage() {
  return (
    <AuthCard
      title="Forgot your password?"
      description="We mail you a link to choose a new one."
      footer={
        <Link href="/sign-in" className={TEXT_LINK_CLASSES}>
          Back to sign in
        </Link>
      }
    >
      {isMailConfigured() ? (
        <ForgotPasswordForm />
      ) : (
        <FormAlert>
          This server cannot send mail, so passwords cannot be reset by mail. Ask your administrator.
        </FormAlert>
      )}
    </AuthCard>
  )
}
