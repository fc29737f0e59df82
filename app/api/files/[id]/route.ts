import { deleteFile, getOwnFile } from "@/lib/files"
import { route } from "@/lib/route"

// GET /api/files/:id — one of the caller's files
export const GET = route("user", async ({ user, params }) => Response.json({ file: await getOwnFile(user, params.id) }))

// DELETE /api/files/:id — delete a file: object, row, and its links revoked (owner or admin)
export const DELETE = route("user", async ({ user, params }) => {
  await deleteFile(user, params.id)
  return new Response(null, { status: 204 })
})
