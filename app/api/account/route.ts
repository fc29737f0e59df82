import { getAccountOverview, updateAccount } from "@/lib/accounts/settings"
import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { updateAccountSchema } from "@/lib/shared/validations/account"

// GET /api/account — the signed-in account: email, verification, two-factor, quota
export const GET = route("user", async ({ user }) => Response.json({ account: await getAccountOverview(user.id) }))

// PATCH /api/account {name?, locale?} — change the display name or the language (mails follow it)
export const PATCH = route("user", async ({ request, user }) => {
  const input = updateAccountSchema.parse(await readJson(request))
  await updateAccount(user, input)
  return Response.json({ account: await getAccountOverview(user.id) })
})
