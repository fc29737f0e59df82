import { localeOfRequest } from "@/i18n/locales"
import { inviteUser } from "@/lib/accounts/invites"
import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { inviteUserSchema } from "@/lib/shared/validations/account"

// POST /api/admin/invites {email,name?} — create an account and mail its owner a link to choose a password (admin)
export const POST = route("admin", async ({ request, user }) => {
  const input = inviteUserSchema.parse(await readJson(request))
  return Response.json({ user: await inviteUser(user, input, localeOfRequest(request.headers)) }, { status: 201 })
})
