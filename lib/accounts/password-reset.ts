import { setTimeout as sleep } from "node:timers/promises"
import { accountPolicyFromEnv, markEmailVerified } from "@/lib/accounts"
import { consumeLinkToken, mintLinkToken } from "@/lib/accounts/link-tokens"
import { getDb } from "@/lib/db"
import { getEnv } from "@/lib/env"
import { localeOrDefault } from "@/i18n/locales"
import { assertMailAvailable, enqueueMail } from "@/lib/mail/outbox"
import { appLink, passwordResetMail } from "@/lib/mail/templates"
import { hashPassword } from "@/lib/passwords"
import { recordAction } from "@/lib/audit"

/**
 * Every reset request takes at least this long, known email or not: the work for a known one (a
 * token and an outbox row in one transaction) takes a few milliseconds, so padding both to a floor
 * makes the two indistinguishable by time (the mail itself leaves later, from the outbox).
 */
export const RESET_REQUEST_FLOOR_MS = 250

/**
 * Mails a reset link when an active account has this email; does nothing visible otherwise. The
 * caller answers 202 either way.
 */
export async function requestPasswordReset(email: string): Promise<void> {
  // Before any lookup: a server without mail answers 503 for every address alike.
  assertMailAvailable()
  const started = Date.now()
  try {
    const db = getDb()
    await db.$transaction(async (tx) => {
      const user = await tx.user.findUnique({
        where: { email },
        select: { id: true, email: true, disabledAt: true, locale: true },
      })
      if (!user || user.disabledAt) return
      const token = await mintLinkToken(tx, { userId: user.id, purpose: "RESET_PASSWORD", email: user.email })
      const url = appLink(getEnv().APP_URL, "/reset-password", { token })
      await enqueueMail(passwordResetMail(localeOrDefault(user.locale), user.email, url), tx)
    })
  } finally {
    const remaining = RESET_REQUEST_FLOOR_MS - (Date.now() - started)
    if (remaining > 0) await sleep(remaining)
  }
}

/**
 * Sets a new password from a reset (or invitation) link and ends every session of the account.
 * The link proves the address too. 400 `invalid_link_token` for a bad link, and nothing changes.
 */
export async function completePasswordLink(
  token: string,
  password: string,
  purpose: "RESET_PASSWORD" | "INVITE",
): Promise<void> {
  // Hash outside the transaction: it takes ~150 ms.
  const passwordHash = await hashPassword(password)
  await getDb().$transaction(async (tx) => {
    const { userId, email } = await consumeLinkToken(tx, token, purpose)
    await tx.user.update({ where: { id: userId }, data: { passwordHash, sessionsValidAfter: new Date() } })
    await markEmailVerified(tx, { id: userId, email }, accountPolicyFromEnv())
    await recordAction(
      { id: userId, via: "session" },
      { action: purpose === "INVITE" ? "account.invite_accept" : "account.password_reset" },
      tx,
    )
  })
}
