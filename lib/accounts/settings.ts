import type { AccountUser } from "@/lib/accounts"
import { consumeLinkToken, mintLinkToken } from "@/lib/accounts/link-tokens"
import type { AuthUser } from "@/lib/auth"
import { recordAction } from "@/lib/audit"
import { endAllSessions } from "@/lib/accounts/sessions"
import { getDb } from "@/lib/db"
import { getEnv } from "@/lib/env"
import { localeOrDefault, type Locale } from "@/i18n/locales"
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

/** The account's own settings (name, language); each change that changes something is audited. */
export async function updateAccount(
  user: Pick<AuthUser, "id" | "via">,
  input: { name?: string | null; locale?: Locale },
): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const before = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: { name: true, locale: true } })
    await tx.user.update({ where: { id: user.id }, data: input })
    const actor = { id: user.id, via: user.via }
    if (input.name !== undefined && input.name !== before.name)
      await recordAction(actor, { action: "account.name", details: { from: before.name, to: input.name } }, tx)
    if (input.locale !== undefined && input.locale !== before.locale)
      await recordAction(actor, { action: "account.locale", details: { from: before.locale, to: input.locale } }, tx)
  })
}

/**
 * The language a person reads Valet in when they sign in: mails to them follow it. Not audited, as
 * a sign-in is already; a write only when it differs.
 */
export async function rememberLocale(userId: string, locale: Locale): Promise<void> {
  await getDb().user.updateMany({
    where: { id: userId, OR: [{ locale: null }, { locale: { not: locale } }] },
    data: { locale },
  })
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
  user: AccountUser & Pick<AuthUser, "via">,
  input: { currentPassword: string; newPassword: string },
): Promise<Date> {
  await assertCurrentPassword(user.id, input.currentPassword)
  const passwordHash = await hashPassword(input.newPassword)
  return getDb().$transaction(async (tx) => {
    const { locale } = await tx.user.update({
      where: { id: user.id },
      data: { passwordHash },
      select: { locale: true },
    })
    const mark = await endAllSessions(user.id, tx)
    await recordAction({ id: user.id, via: user.via }, { action: "account.password_change" }, tx)
    if (getEnv().SMTP_URL) await enqueueMail(passwordChangedMail(localeOrDefault(locale), user.email), tx)
    return mark
  })
}

/**
 * Starts an email change: a confirmation link to the new address and a notice to the old one. The
 * address changes only when the link is followed. Accounts with a password must send it.
 */
export async function requestEmailChange(
  user: AccountUser & Pick<AuthUser, "via">,
  input: { email: string; currentPassword?: string },
): Promise<void> {
  const db = getDb()
  const account = await db.user.findUniqueOrThrow({
    where: { id: user.id },
    select: { passwordHash: true, email: true, locale: true },
  })
  if (account.passwordHash) await assertCurrentPassword(user.id, input.currentPassword ?? "")
  if (input.email === account.email) throw new ApiError("invalid_request", "That is already your address")
  if (await db.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
    throw new ApiError("email_taken", "Another account uses this address")
  }
  await db.$transaction(async (tx) => {
    const token = await mintLinkToken(tx, { userId: user.id, purpose: "CHANGE_EMAIL", email: input.email })
    const locale = localeOrDefault(account.locale)
    await enqueueMail(changeEmailMail(locale, input.email, appLink(getEnv().APP_URL, "/confirm-email", { token })), tx)
    await enqueueMail(emailChangeNoticeMail(locale, account.email, input.email), tx)
    await recordAction(
      { id: user.id, via: user.via },
      { action: "account.email_change_request", details: { from: account.email, to: input.email } },
      tx,
    )
  })
}

/** Follows the link mailed to a new address: it becomes the account's (verified) email. */
export async function confirmEmailChange(token: string): Promise<void> {
  try {
    await getDb().$transaction(async (tx) => {
      const { userId, email } = await consumeLinkToken(tx, token, "CHANGE_EMAIL")
      const before = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } })
      // A new address is never a way into ADMIN_EMAILS: promotion happens on a first verification only.
      await tx.user.update({ where: { id: userId }, data: { email, emailVerifiedAt: new Date() } })
      // The mailed link is the proof here, not a session: the account acts on its own behalf.
      await recordAction(
        { id: userId, via: "session" },
        { action: "account.email_change", details: { from: before.email, to: email } },
        tx,
      )
    })
  } catch (error) {
    if (prismaErrorCode(error) === "P2002")
      throw new ApiError("email_taken", "Another account took this address meanwhile")
    throw error
  }
}
