import { assertCurrentPassword } from "@/lib/accounts/settings"
import { recordAction } from "@/lib/audit"
import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { beginTotpEnrolment, removeSecondFactor } from "@/lib/totp"
import { disableTotpSchema } from "@/lib/shared/validations/account"

// POST /api/account/totp — start enrolling an authenticator app: {secret, uri} for the QR code
export const POST = route("user", async ({ user }) => Response.json(await beginTotpEnrolment(user), { status: 201 }))

// DELETE /api/account/totp {currentPassword} — turn two-factor sign-in off
export const DELETE = route("user", async ({ request, user }) => {
  const input = disableTotpSchema.parse(await readJson(request))
  await assertCurrentPassword(user.id, input.currentPassword)
  await removeSecondFactor(user.id)
  await recordAction(user, { action: "account.totp_off" })
  return new Response(null, { status: 204 })
})
