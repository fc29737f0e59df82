import { listAllShares } from "@/lib/admin/shares"
import { route } from "@/lib/route"
import { adminSharesQuerySchema } from "@/lib/shared/validations/admin"

// GET /api/admin/shares?state=&owner=&q=&cursor=&limit= — every share of every user (admin)
export const GET = route("admin", async ({ request }) => {
  const query = adminSharesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  return Response.json(await listAllShares(query))
})
