import { requestPasswordReset } from "@/lib/accounts/password-reset"
import { assertSameOrigin } from "@/lib/auth"
import { readJson } from "@/lib/errors"
import { clientIp, enforceRateLimits, RATE_LIMITS } from "@/lib/rate-limit"
import { route } from "@/lib/route"
import { passwordResetRequestSchema } from "@/lib/shared/validations/account"

// POST /api/password-reset {email} — mail a reset link if an account has this email; 202 either way
export const POST = route("public", async ({ request }) => {
  assertSameOrigin(request, { allowMissing: true })
  await enforceRateLimits(
    [{ key: `password-reset:ip:${clientIp(request)}`, ...RATE_LIMITS.passwordResetPerIp }],
    "Too many reset requests",
  )
  const { email } = passwordResetRequestSchema.parse(await readJson(request))
  await enforceRateLimits(
    [{ key: `password-reset:email:${email}`, ...RATE_LIMITS.passwordResetPerEmail }],
    "Too many reset requests",
  )
  await requestPasswordReset(email)
  // The same answer whether or not the account exists.
  return Response.json({ message: "If an account uses this address, a reset link is on its way." }, { status: 202 })
})
