import type { AccountUser } from "@/lib/accounts"
import { consumeLinkToken, mintLinkToken } from "@/lib/accounts/link-tokens"
import { endAllSessions } from "@/lib/accounts/sessions"
import { getDb } from "@/lib/db"
import { getEnv } from "@/lib/env"
import { ApiError, prismaErrorCode } from "@/lib/errors"
import { enqueueMail } from "@/lib/mail/outbox"
import { appLink, changeEmailMail, emailChangeNoticeMail, passwordChangedMail } from "@/lib/mail/templates"
import { hashPassword, verifyPassword } from "@/lib/passwords"
import { enforceRateLimits, RATE_LIMITS } from "@/lib/rate-limit"
import type { AccountOverview } from "@/lib/shared/wire/account"

/** What the settings page and GET /api/account show about the signed-in account. */

export type { AccountOverview }

export async function getAccountOverview(userId: string): Promise<AccountOverview> {
  const db = getDb()
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      emailVerifiedAt: true,
      passwordHash: true,
      totpEnabledAt: true,
      quotaBytes: true,
    },
  })
  const [row] = await db.$queryRaw<{ used: bigint }[]>`SELECT valet_bytes_in_use(${userId}) AS used`
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    emailVerified: Boolean(user.emailVerifiedAt),
    hasPassword: Boolean(user.passwordHash),
    twoFactorEnabled: Boolean(user.totpEnabledAt),
    quota: {
      usedBytes: Number(row?.used ?? 0n),
      quotaBytes: user.quotaBytes === null ? getEnv().USER_QUOTA_BYTES : Number(user.quotaBytes),
    },
  }
}

export async function updateAccountName(userId: string, name: string | null): Promise<void> {
  await getDb().user.update({ where: { id: userId }, data: { name } })
}

/**
 * Checks the current password before a sensitive change: rate limited like sign-in (a stolen
 * session must not become a password oracle), 403 `current_password_wrong` when it is not right.
 */
export async function assertCurrentPassword(userId: string, password: string): Promise<void> {
  await enforceRateLimits(
    [{ key: `current-password:user:${userId}`, ...RATE_LIMITS.signInPerAccount }],
    "Too many password attempts",
  )
  const user = await getDb().user.findUnique({ where: { id: userId }, select: { passwordHash: true } })
  if (!(await verifyPassword(user?.passwordHash, password))) {
    throw new ApiError("current_password_wrong", "Your current password is not right")
  }
}

/** Sets a new password, ends every other session and tells the owner by mail (when mail works). */
export async function changePassword(
  user: AccountUser,
  input: { currentPassword: string; newPassword: string },
): Promise<Date> {
  await assertCurrentPassword(user.id, input.currentPassword)
  const passwordHash = await hashPassword(input.newPassword)
  return getDb().$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } })
    const mark = await endAllSessions(user.id, tx)
    if (getEnv().SMTP_URL) await enqueueMail(passwordChangedMail(user.email), tx)
    return mark
  })
}

/**
 * Starts an email change: a confirmation link to the new address and a notice to the old one. The
 * address changes only when the link is followed. Accounts with a password must send it.
 */
export async function requestEmailChange(
  user: AccountUser,
  input: { email: string; currentPassword?: string },
): Promise<void> {
  const db = getDb()
  const account = await db.user.findUniqueOrThrow({
    where: { id: user.id },
    select: { passwordHash: true, email: true },
  })
  if (account.passwordHash) await assertCurrentPassword(user.id, input.currentPassword ?? "")
  if (input.email === account.email) throw new ApiError("invalid_request", "That is already your address")
  if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
    throw new ApiError("email_taken", "Another account uses this address")
  }
  await db.$transaction(async (tx) => {
    const token = await mintLinkToken(tx, { userId: user.id, purpose: "CHANGE_EMAIL", email: input.email })
    await enqueueMail(changeEmailMail(input.email, appLink(getEnv().APP_URL, "/confirm-email", { token })), tx)
    await enqueueMail(emailChangeNoticeMail(account.email, input.email), tx)
  })
}

/** Follows the link mailed to a new address: it becomes the account's (verified) email. */
export async function confirmEmailChange(token: string): Promise<void> {
  try {
    await getDb().$transaction(async (tx) => {
      const { userId, email } = await consumeLinkToken(tx, token, "CHANGE_EMAIL")
      // A new address is never a way into ADMIN_EMAILS: promotion happens on a first verification only.
      await tx.user.update({ where: { id: userId }, data: { email, emailVerifiedAt: new Date() } })
    })
  } catch (error) {
    if (prismaErrorCode(error) === "P2002")
      throw new ApiError("email_taken", "Another account took this address meanwhile")
    throw error
  }
}
