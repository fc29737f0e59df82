import { confirmEmailVerification } from "@/lib/accounts/verification"
import { assertSameOrigin } from "@/lib/auth"
import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { linkTokenSchema } from "@/lib/shared/validations/account"

// POST /api/verify-email {token} — the mailed verification link proves the address
export const POST = route("public", async ({ request }) => {
  assertSameOrigin(request, { allowMissing: true })
  await confirmEmailVerification(linkTokenSchema.parse(await readJson(request)).token)
  return new Response(null, { status: 204 })
})
