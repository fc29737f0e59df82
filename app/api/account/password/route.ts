import { freshSessionCookie } from "@/lib/accounts/sessions"
import { changePassword } from "@/lib/accounts/settings"
import { SESSION_MAX_AGE_SECONDS } from "@/lib/auth"
import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { changePasswordSchema } from "@/lib/shared/validations/account"

// POST /api/account/password {currentPassword,newPassword} — 204; every other session ends
export const POST = route("user", async ({ request, user }) => {
  const input = changePasswordSchema.parse(await readJson(request))
  await changePassword(user, input)
  // The mark ended this browser's session too; hand it one signed in after the mark.
  const headers =
    user.via === "session" ? { "Set-Cookie": await freshSessionCookie(user.id, SESSION_MAX_AGE_SECONDS) } : undefined
  return new Response(null, { status: 204, headers })
})
