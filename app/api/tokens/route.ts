import { requireUser } from "@/lib/auth"
import { createApiToken, listApiTokens } from "@/lib/api-tokens"
import { handleApiError, readJson } from "@/lib/errors"
import { createApiTokenSchema } from "@/lib/validations/auth"

const NO_STORE = { "Cache-Control": "no-store" }

// GET /api/tokens — the caller's active personal API tokens (never their secrets)
export async function GET(request: Request) {
  try {
    const user = await requireUser(request)
    const tokens = await listApiTokens(user)
    return Response.json({ tokens }, { headers: NO_STORE })
  } catch (error) {
    return handleApiError(error)
  }
}

// POST /api/tokens — create a token; its secret is in this response and nowhere else, ever
export async function POST(request: Request) {
  try {
    const user = await requireUser(request)
    const input = createApiTokenSchema.parse(await readJson(request))
    const token = await createApiToken(user, input)
    return Response.json({ token }, { status: 201, headers: NO_STORE })
  } catch (error) {
    return handleApiError(error)
  }
}
