import { listFiles } from "@/lib/files"
import { route } from "@/lib/route"
import { listFilesQuerySchema } from "@/lib/shared/validations/files"

// GET /api/files?cursor=&limit= — the caller's files, newest first
export const GET = route("user", async ({ request, user }) => {
  const page = listFilesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  return Response.json(await listFiles(user, page))
})
