import { requestEmailChange } from "@/lib/accounts/settings"
import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { changeEmailSchema } from "@/lib/shared/validations/account"

// POST /api/account/email {email,currentPassword} — mail a confirmation link to the new address
export const POST = route("user", async ({ request, user }) => {
  await requestEmailChange(user, changeEmailSchema.parse(await readJson(request)))
  return Response.json({ message: "Follow the link we sent to the new address to finish the change." }, { status: 202 })
})
