import { requireUser } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"
import { abortUpload } from "@/lib/uploads"

// DELETE /api/uploads/:id — cancel an upload and remove its partial data
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireUser(request)
    await abortUpload(user, (await params).id)
    return new Response(null, { status: 204 })
  } catch (error) {
    return handleApiError(error)
  }
}
