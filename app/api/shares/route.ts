import { route } from "@/lib/route"
import { listShares } from "@/lib/shares"
import { listSharesQuerySchema } from "@/lib/shared/validations/shares"

// GET /api/shares?fileId= — the caller's links, newest first
export const GET = route("user", async ({ request, user }) => {
  const filter = listSharesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  return Response.json({ shares: await listShares(user, filter) })
})
