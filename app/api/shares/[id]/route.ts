import { route } from "@/lib/route"
import { revokeShare } from "@/lib/shares"

// DELETE /api/shares/:id — revoke a link (owner, or an admin); effective on its next request
export const DELETE = route("user", async ({ user, params }) => {
  await revokeShare(user, params.id)
  return new Response(null, { status: 204 })
})
