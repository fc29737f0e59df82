import { listAllShares } from "@/lib/admin"
import { requireAdmin } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"
import { adminSharesQuerySchema } from "@/lib/validations/admin"

// GET /api/admin/shares?state=&owner=&q=&cursor=&limit= — every share of every user (admin)
export async function GET(request: Request) {
  try {
    await requireAdmin(request)
    const query = adminSharesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
    return Response.json(await listAllShares(query), { headers: { "Cache-Control": "no-store" } })
  } catch (error) {
    return handleApiError(error)
  }
}
