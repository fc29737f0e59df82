import { accountPolicyFromEnv, markEmailVerified, type AccountPolicy } from "@/lib/accounts"
import { consumeLinkToken, mintLinkToken } from "@/lib/accounts/link-tokens"
import { getDb } from "@/lib/db"
import { getEnv } from "@/lib/env"
import { localeOrDefault } from "@/i18n/locales"
import { enqueueMail } from "@/lib/mail/outbox"
import { appLink, verifyEmailMail } from "@/lib/mail/templates"

/** Mails a verification link to the account's current address (503 `mail_unavailable` without SMTP). */
export async function sendVerificationMail(user: { id: string; email: string }): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const token = await mintLinkToken(tx, { userId: user.id, purpose: "VERIFY_EMAIL", email: user.email })
    const { locale } = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: { locale: true } })
    const url = appLink(getEnv().APP_URL, "/verify-email", { token })
    await enqueueMail(verifyEmailMail(localeOrDefault(locale), user.email, url), tx)
  })
}

/**
 * Follows a verification link: the address it was sent to must still be the account's. 400
 * `invalid_link_token` otherwise, and nothing changes.
 */
export async function confirmEmailVerification(
  token: string,
  policy: AccountPolicy = accountPolicyFromEnv(),
): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const { userId, email } = await consumeLinkToken(tx, token, "VERIFY_EMAIL")
    await markEmailVerified(tx, { id: userId, email }, policy)
  })
}

/** Whether the account's address is proven, for the banner. */
export async function isEmailVerified(userId: string): Promise<boolean> {
  const user = await getDb().user.findUnique({ where: { id: userId }, select: { emailVerifiedAt: true } })
  return Boolean(user?.emailVerifiedAt)
}
