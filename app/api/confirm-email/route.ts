import { confirmEmailChange } from "@/lib/accounts/settings"
import { assertSameOrigin } from "@/lib/auth"
import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { linkTokenSchema } from "@/lib/shared/validations/account"

// POST /api/confirm-email {token} — the link mailed to a new address makes it the account's email
export const POST = route("public", async ({ request }) => {
  assertSameOrigin(request, { allowMissing: true })
  await confirmEmailChange(linkTokenSchema.parse(await readJson(request)).token)
  return new Response(null, { status: 204 })
})
