import { requireUser } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"
import { listShares } from "@/lib/shares"
import { listSharesQuerySchema } from "@/lib/validations/shares"

// GET /api/shares?fileId= — the caller's links, newest first
export async function GET(request: Request) {
  try {
    const user = await requireUser(request)
    const filter = listSharesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
    return Response.json({ shares: await listShares(user, filter) }, { headers: { "Cache-Control": "no-store" } })
  } catch (error) {
    return handleApiError(error)
  }
}
