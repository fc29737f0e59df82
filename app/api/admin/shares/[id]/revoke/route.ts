import { requireAdmin } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"
import { revokeShare } from "@/lib/shares"

// POST /api/admin/shares/:id/revoke — revoke any link; effective on its next request (admin)
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const admin = await requireAdmin(request)
    await revokeShare(admin, (await params).id)
    return new Response(null, { status: 204 })
  } catch (error) {
    return handleApiError(error)
  }
}
