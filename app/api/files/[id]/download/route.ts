import { requireUser } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"
import { presignFileDownload } from "@/lib/files"

// GET /api/files/:id/download — 302 to a fresh presigned GET (owner or admin)
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireUser(request)
    const download = await presignFileDownload(user, (await params).id)
    // no-store: the Location is a key in itself and must not be cached anywhere.
    return new Response(null, { status: 302, headers: { Location: download.url, "Cache-Control": "no-store" } })
  } catch (error) {
    return handleApiError(error)
  }
}
