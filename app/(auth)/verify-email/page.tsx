import type { Metadata } from "next"
import { readLinkToken, type LinkSearchParams } from "@/app/(auth)/link-token"
import { ConfirmLinkButton } from "@/components/account-link-forms"
import { AuthCard } from "@/components/auth-card"

export const metadata: Metadata = { title: "Confirm your email address" }

export default async function VerifyEmailPage({ searchParams }: { searchParams: LinkSearchParams }) {
  const token = await readLinkToken(searchParams)
  return (
    <AuthCard title="Confirm your email address">
      <ConfirmLinkButton
        token={token}
        endpoint="/api/verify-email"
        label="Confirm my address"
        doneMessage="Thanks, your address is confirmed."
      />
    </AuthCard>
  )
}
