import { requireUser } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"
import { deleteFile, getOwnFile } from "@/lib/files"

// GET /api/files/:id — one of the caller's files
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireUser(request)
    const file = await getOwnFile(user, (await params).id)
    return Response.json({ file }, { headers: { "Cache-Control": "no-store" } })
  } catch (error) {
    return handleApiError(error)
  }
}

// DELETE /api/files/:id — delete a file: object, row, and its links revoked (owner or admin)
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireUser(request)
    await deleteFile(user, (await params).id)
    return new Response(null, { status: 204 })
  } catch (error) {
    return handleApiError(error)
  }
}
