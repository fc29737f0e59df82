import type { Metadata } from "next"
import { getTranslations } from "next-intl/server"
import { readLinkToken, type LinkSearchParams } from "@/app/(auth)/link-token"
import { PasswordLinkForm } from "@/components/account-link-forms"
import { AuthCard } from "@/components/auth-card"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auth"))("invite.metaTitle") }
}

export default async function AcceptInvitePage({ searchParams }: { searchParams: LinkSearchParams }) {
  const token = await readLinkToken(searchParams)
  const t = await getTranslations("auth")
  return (
    <AuthCard title={t("invite.title")} description={t("invite.description")}>
      <PasswordLinkForm token={token} endpoint="/api/invites/accept" submitLabel={t("setPassword")} />
    </AuthCard>
  )
}
