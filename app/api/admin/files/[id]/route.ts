import { deleteFile } from "@/lib/files"
import { route } from "@/lib/route"

// DELETE /api/admin/files/:id — delete anyone's file: object, row, and its links revoked (admin)
export const DELETE = route("admin", async ({ user, params }) => {
  await deleteFile(user, params.id)
  return new Response(null, { status: 204 })
})
