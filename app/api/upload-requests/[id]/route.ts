import { requireUser } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"
import { getOwnUploadRequest } from "@/lib/upload-requests"

// GET /api/upload-requests/:id — one request and the files it received
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireUser(request)
    const result = await getOwnUploadRequest(user, (await params).id)
    return Response.json(result, { headers: { "Cache-Control": "no-store" } })
  } catch (error) {
    return handleApiError(error)
  }
}
