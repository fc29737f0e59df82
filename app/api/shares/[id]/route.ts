import { requireUser } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"
import { revokeShare } from "@/lib/shares"

// DELETE /api/shares/:id — revoke a link (owner, or an admin); effective on its next request
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireUser(request)
    await revokeShare(user, (await params).id)
    return new Response(null, { status: 204 })
  } catch (error) {
    return handleApiError(error)
  }
}
