import { route } from "@/lib/route"
import { closeUploadRequest } from "@/lib/upload-requests"

// POST /api/upload-requests/:id/close — stop taking files at once (owner or admin)
export const POST = route("user", async ({ user, params }) => {
  await closeUploadRequest(user, params.id)
  return new Response(null, { status: 204 })
})
