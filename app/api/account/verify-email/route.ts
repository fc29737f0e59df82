import { isEmailVerified, sendVerificationMail } from "@/lib/accounts/verification"
import { ApiError } from "@/lib/errors"
import { enforceRateLimits, RATE_LIMITS } from "@/lib/rate-limit"
import { route } from "@/lib/route"

// POST /api/account/verify-email — mail a new verification link to the account's address
export const POST = route("user", async ({ user }) => {
  if (await isEmailVerified(user.id)) throw new ApiError("conflict", "Your address is already verified")
  await enforceRateLimits(
    [{ key: `verify-email:user:${user.id}`, ...RATE_LIMITS.passwordResetPerEmail }],
    "Too many verification mails",
  )
  await sendVerificationMail(user)
  return Response.json({ message: "A new verification link is on its way." }, { status: 202 })
})
