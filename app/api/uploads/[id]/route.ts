import { route } from "@/lib/route"
import { abortUpload } from "@/lib/uploads"

// DELETE /api/uploads/:id — cancel an upload and remove its partial data
export const DELETE = route("user", async ({ user, params }) => {
  await abortUpload(user, params.id)
  return new Response(null, { status: 204 })
})
