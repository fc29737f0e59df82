import { getOverview } from "@/lib/admin"
import { requireAdmin } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"

// GET /api/admin/overview — totals and uploads/downloads per day (admin)
export async function GET(request: Request) {
  try {
    await requireAdmin(request)
    return Response.json({ overview: await getOverview() }, { headers: { "Cache-Control": "no-store" } })
  } catch (error) {
    return handleApiError(error)
  }
}
