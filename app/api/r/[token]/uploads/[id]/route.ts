import { route } from "@/lib/route"
import { requireRequestUploader, withRenewedSession } from "@/lib/upload-request-routes"
import { abortUpload } from "@/lib/uploads"

// DELETE /api/r/:token/uploads/:id — the sender cancels an upload still in flight
export const DELETE = route("link", async ({ request, params }) => {
  const uploader = await requireRequestUploader(request, params.token)
  await abortUpload(uploader, params.id)
  return withRenewedSession(new Response(null, { status: 204 }), uploader)
})
