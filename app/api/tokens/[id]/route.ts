import { revokeApiToken } from "@/lib/api-tokens"
import { route } from "@/lib/route"

// DELETE /api/tokens/:id — revoke one of the caller's tokens (someone else's is a 404)
export const DELETE = route("user", async ({ user, params }) => {
  await revokeApiToken(user, params.id)
  return new Response(null, { status: 204 })
})
