import { mintLinkToken } from "@/lib/accounts/link-tokens"
import type { AuthUser } from "@/lib/auth"
import { recordAdminAction } from "@/lib/audit"
import { getDb } from "@/lib/db"
import { getEnv } from "@/lib/env"
import type { Locale } from "@/i18n/locales"
import { ApiError, prismaErrorCode } from "@/lib/errors"
import { assertMailAvailable, enqueueMail } from "@/lib/mail/outbox"
import { appLink, inviteMail } from "@/lib/mail/templates"

/**
 * An admin invites someone: an account without a password, and a mailed link where they choose
 * their own (no admin ever types someone's password). Works while registration is closed.
 */
/** The invitee has no language yet: the invitation, and their account until they choose, use the admin's. */
export async function inviteUser(admin: AuthUser, input: { email: string; name?: string }, locale: Locale) {
  assertMailAvailable()
  try {
    return await getDb().$transaction(async (tx) => {
      const user = await tx.user.create({
        data: { email: input.email, name: input.name ?? null, passwordHash: null, role: "USER", locale },
        select: { id: true, email: true, name: true, role: true },
      })
      const token = await mintLinkToken(tx, { userId: user.id, purpose: "INVITE", email: user.email })
      const invitedBy = admin.name ?? admin.email
      const url = appLink(getEnv().APP_URL, "/accept-invite", { token })
      await enqueueMail(inviteMail(locale, user.email, url, invitedBy), tx)
      await recordAdminAction(
        admin,
        { action: "admin.user.invite", details: { userId: user.id, email: user.email } },
        tx,
      )
      return user
    })
  } catch (error) {
    if (prismaErrorCode(error) === "P2002")
      throw new ApiError("email_taken", "An account with this email already exists")
    throw error
  }
}
