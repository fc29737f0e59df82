import { requireUser } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"
import { closeUploadRequest } from "@/lib/upload-requests"

// POST /api/upload-requests/:id/close — stop taking files at once (owner or admin)
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireUser(request)
    await closeUploadRequest(user, (await params).id)
    return new Response(null, { status: 204 })
  } catch (error) {
    return handleApiError(error)
  }
}
