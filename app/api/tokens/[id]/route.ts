import { requireUser } from "@/lib/auth"
import { revokeApiToken } from "@/lib/api-tokens"
import { handleApiError } from "@/lib/errors"

// DELETE /api/tokens/:id — revoke one of the caller's tokens (someone else's is a 404)
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireUser(request)
    await revokeApiToken(user, (await params).id)
    return new Response(null, { status: 204 })
  } catch (error) {
    return handleApiError(error)
  }
}
