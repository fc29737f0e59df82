import { endAllSessions, sessionCookieName } from "@/lib/accounts/sessions"
import { recordAction } from "@/lib/audit"
import { route } from "@/lib/route"

// DELETE /api/account/sessions — sign out everywhere: every session of this account ends, this one too
export const DELETE = route("user", async ({ user }) => {
  await endAllSessions(user.id)
  await recordAction(user, { action: "account.sign_out_everywhere" })
  return new Response(null, {
    status: 204,
    headers: { "Set-Cookie": `${sessionCookieName()}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` },
  })
})
