import type { Metadata } from "next"
import { readLinkToken, type LinkSearchParams } from "@/app/(auth)/link-token"
import { PasswordLinkForm } from "@/components/account-link-forms"
import { AuthCard } from "@/components/auth-card"

export const metadata: Metadata = { title: "Accept your invitation" }

export default async function AcceptInvitePage({ searchParams }: { searchParams: LinkSearchParams }) {
  const token = await readLinkToken(searchParams)
  return (
    <AuthCard title="Welcome to Valet" description="Choose the password for your new account.">
      <PasswordLinkForm token={token} endpoint="/api/invites/accept" submitLabel="Set my password" />
    </AuthCard>
  )
}
