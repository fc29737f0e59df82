import { listAllFiles } from "@/lib/admin/files"
import { route } from "@/lib/route"
import { adminFilesQuerySchema } from "@/lib/shared/validations/admin"

// GET /api/admin/files?owner=&q=&minSize=&maxSize=&cursor=&limit= — every file of every user (admin)
export const GET = route("admin", async ({ request }) => {
  const query = adminFilesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  return Response.json(await listAllFiles(query))
})
