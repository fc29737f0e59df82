import type { Metadata } from "next"
import { readLinkToken, type LinkSearchParams } from "@/app/(auth)/link-token"
import { ConfirmLinkButton } from "@/components/account-link-forms"
import { AuthCard } from "@/components/auth-card"

export const metadata: Metadata = { title: "Confirm your new email address" }

export default async function ConfirmEmailPage({ searchParams }: { searchParams: LinkSearchParams }) {
  const token = await readLinkToken(searchParams)
  return (
    <AuthCard title="Confirm your new email address">
      <ConfirmLinkButton
        token={token}
        endpoint="/api/confirm-email"
        label="Use this address"
        doneMessage="Done: this is now your account's email address."
      />
    </AuthCard>
  )
}
