import { createApiToken, listApiTokens } from "@/lib/api-tokens"
import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { createApiTokenSchema } from "@/lib/shared/validations/auth"

// GET /api/tokens — the caller's active personal API tokens (never their secrets)
export const GET = route("user", async ({ user }) => {
  const tokens = await listApiTokens(user)
  return Response.json({ tokens })
})

// POST /api/tokens — create a token; its secret is in this response and nowhere else, ever. A
// token-authenticated call gets a token that expires no later than the calling one.
export const POST = route("user", async ({ request, user }) => {
  const input = createApiTokenSchema.parse(await readJson(request))
  const token = await createApiToken(user, input)
  return Response.json({ token }, { status: 201 })
})
