import type { Metadata } from "next"
import { readLinkToken, type LinkSearchParams } from "@/app/(auth)/link-token"
import { PasswordLinkForm } from "@/components/account-link-forms"
import { AuthCard } from "@/components/auth-card"

export const metadata: Metadata = { title: "Choose a new password" }

export default async function ResetPasswordPage({ searchParams }: { searchParams: LinkSearchParams }) {
  const token = await readLinkToken(searchParams)
  return (
    <AuthCard title="Choose a new password" description="Setting it signs you out everywhere.">
      <PasswordLinkForm token={token} endpoint="/api/password-reset/confirm" submitLabel="Set my password" />
    </AuthCard>
  )
}
