import { listAllFiles } from "@/lib/admin"
import { requireAdmin } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"
import { adminFilesQuerySchema } from "@/lib/validations/admin"

// GET /api/admin/files?owner=&q=&minSize=&maxSize=&cursor=&limit= — every file of every user (admin)
export async function GET(request: Request) {
  try {
    await requireAdmin(request)
    const query = adminFilesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
    return Response.json(await listAllFiles(query), { headers: { "Cache-Control": "no-store" } })
  } catch (error) {
    return handleApiError(error)
  }
}
