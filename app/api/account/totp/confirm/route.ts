import { recordAction } from "@/lib/audit"
import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { confirmTotpEnrolment } from "@/lib/totp"
import { totpCodeSchema } from "@/lib/shared/validations/account"

// POST /api/account/totp/confirm {code} — turn two-factor sign-in on; answers the recovery codes, once
export const POST = route("user", async ({ request, user }) => {
  const { code } = totpCodeSchema.parse(await readJson(request))
  const recoveryCodes = await confirmTotpEnrolment(user.id, code)
  await recordAction(user, { action: "account.totp_on" })
  return Response.json({ recoveryCodes })
})
