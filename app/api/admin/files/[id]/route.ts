import { requireAdmin } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"
import { deleteFile } from "@/lib/files"

// DELETE /api/admin/files/:id — delete anyone's file: object, row, and its links revoked (admin)
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const admin = await requireAdmin(request)
    await deleteFile(admin, (await params).id)
    return new Response(null, { status: 204 })
  } catch (error) {
    return handleApiError(error)
  }
}
