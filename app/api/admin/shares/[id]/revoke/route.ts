import { route } from "@/lib/route"
import { revokeShare } from "@/lib/shares"

// POST /api/admin/shares/:id/revoke — revoke any link; effective on its next request (admin)
export const POST = route("admin", async ({ user, params }) => {
  await revokeShare(user, params.id)
  return new Response(null, { status: 204 })
})
