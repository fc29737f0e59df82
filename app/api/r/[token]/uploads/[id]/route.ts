import { route } from "@/lib/route"
import { requireRequestUploader } from "@/lib/upload-request-routes"
import { abortUpload } from "@/lib/uploads"

// DELETE /api/r/:token/uploads/:id — the sender cancels an upload still in flight
export const DELETE = route("link", async ({ request, params }) => {
  await abortUpload(await requireRequestUploader(request, params.token), params.id)
  return new Response(null, { status: 204 })
})
