import type { Metadata } from "next"
import { getTranslations } from "next-intl/server"
import Link from "next/link"
import { AuthCard, TEXT_LINK_CLASSES } from "@/components/auth-card"
import { ForgotPasswordForm } from "@/components/account-link-forms"
import { FormAlert } from "@/components/ui/form-alert"
import { isMailConfigured } from "@/lib/mail/transport"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("forgot.metaTitle") }
}

export default async function ForgotPasswordPage() {
  const t = await getTranslations("auth")
  return (
    <AuthCard
      title={t("forgot.title")}
      description={t("forgot.description")}
      footer={
        <Link href="/sign-in" className={TEXT_LINK_CLASSES}>
          {t("forgot.back")}
        </Link>
      }
    >
      {isMailConfigured() ? <ForgotPasswordForm /> : <FormAlert>{t("forgot.noMail")}</FormAlert>}
    </AuthCard>
  )
}
