import { SignInRefused, verifyCredentials, type AccountUser } from "@/lib/accounts"
import { getDb } from "@/lib/db"
import { ApiError } from "@/lib/errors"
import { verifySecondFactor } from "@/lib/totp"
import type { SignInInput } from "@/lib/shared/validations/auth"

/**
 * next-auth's credentials check: the password, then — for accounts with two-factor sign-in — a
 * TOTP or recovery code in the same form post. Without a code the refusal `OtpRequired` tells the
 * form to ask for one; nothing about the session is issued until both pass.
 */
export async function signInWithPassword(
  input: Pick<SignInInput, "email" | "password"> & { otp?: string },
): Promise<AccountUser | null> {
  const user = await verifyCredentials(input)
  if (!user) return null
  const factor = await getDb().user.findUnique({ where: { id: user.id }, select: { totpEnabledAt: true } })
  if (!factor?.totpEnabledAt) return user
  if (!input.otp) throw new SignInRefused("OtpRequired")
  try {
    if (await verifySecondFactor(user.id, input.otp)) return user
  } catch (error) {
    if (error instanceof ApiError && error.code === "rate_limited") throw new SignInRefused("OtpRateLimited")
    throw error
  }
  throw new SignInRefused("OtpInvalid")
}
