import { requireUser } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"
import { listFiles } from "@/lib/files"
import { listFilesQuerySchema } from "@/lib/validations/files"

// GET /api/files?cursor=&limit= — the caller's files, newest first
export async function GET(request: Request) {
  try {
    const user = await requireUser(request)
    const page = listFilesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
    return Response.json(await listFiles(user, page), { headers: { "Cache-Control": "no-store" } })
  } catch (error) {
    return handleApiError(error)
  }
}
