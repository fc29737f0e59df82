import type { Metadata } from "next"
import { getTranslations } from "next-intl/server"
import { readLinkToken, type LinkSearchParams } from "@/app/(auth)/link-token"
import { ConfirmLinkButton } from "@/components/account-link-forms"
import { AuthCard } from "@/components/auth-card"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("confirmEmail.title") }
}

export default async function ConfirmEmailPage({ searchParams }: { searchParams: LinkSearchParams }) {
  const token = await readLinkToken(searchParams)
  const t = await getTranslations("auth")
  return (
    <AuthCard title={t("confirmEmail.title")}>
      <ConfirmLinkButton
        token={token}
        endpoint="/api/confirm-email"
        label={t("confirmEmail.action")}
        doneMessage={t("confirmEmail.done")}
      />
    </AuthCard>
  )
}
