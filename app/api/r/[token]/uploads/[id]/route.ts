import { handleApiError } from "@/lib/errors"
import { requireRequestUploader } from "@/lib/upload-request-routes"
import { abortUpload } from "@/lib/uploads"

type Params = { params: Promise<{ token: string; id: string }> }

// DELETE /api/r/:token/uploads/:id — the sender cancels an upload still in flight
export async function DELETE(request: Request, { params }: Params) {
  try {
    const { token, id } = await params
    await abortUpload(await requireRequestUploader(request, token), id)
    return new Response(null, { status: 204 })
  } catch (error) {
    return handleApiError(error)
  }
}
