import { completePasswordLink } from "@/lib/accounts/password-reset"
import { assertSameOrigin } from "@/lib/auth"
import { readJson } from "@/lib/errors"
import { clientIp, enforceRateLimits, RATE_LIMITS } from "@/lib/rate-limit"
import { route } from "@/lib/route"
import { passwordLinkSchema } from "@/lib/shared/validations/account"

// POST /api/password-reset/confirm {token,password} — set the password and end every session
export const POST = route("public", async ({ request }) => {
  assertSameOrigin(request, { allowMissing: true })
  await enforceRateLimits(
    [{ key: `password-link:ip:${clientIp(request)}`, ...RATE_LIMITS.passwordResetPerIp }],
    "Too many attempts",
  )
  const input = passwordLinkSchema.parse(await readJson(request))
  await completePasswordLink(input.token, input.password, "RESET_PASSWORD")
  return new Response(null, { status: 204 })
})
