import { localeOfRequest } from "@/i18n/locales"
import { registerUser } from "@/lib/accounts"
import { sendVerificationMail } from "@/lib/accounts/verification"
import { assertSameOrigin } from "@/lib/auth"
import { readJson } from "@/lib/errors"
import { isMailConfigured } from "@/lib/mail/transport"
import { clientIp, enforceRateLimits, RATE_LIMITS } from "@/lib/rate-limit"
import { route } from "@/lib/route"
import { registerSchema } from "@/lib/shared/validations/auth"

// POST /api/register — create an account (the first one becomes an admin) and mail a verification link
export const POST = route("public", async ({ request }) => {
  // No session is involved, so a missing Origin (curl) is fine; a foreign one is not.
  assertSameOrigin(request, { allowMissing: true })
  await enforceRateLimits(
    [{ key: `register:ip:${clientIp(request)}`, ...RATE_LIMITS.registerPerIp }],
    "Too many sign-ups from your network",
  )
  const input = registerSchema.parse(await readJson(request))
  await enforceRateLimits(
    [{ key: `register:account:${input.email}`, ...RATE_LIMITS.registerPerAccount }],
    "Too many sign-ups for this email",
  )
  const user = await registerUser(input, undefined, { locale: localeOfRequest(request.headers) })
  // Without SMTP the account works unverified and the banner says mail is off on this server.
  if (isMailConfigured()) await sendVerificationMail(user)
  return Response.json({ user }, { status: 201 })
})
