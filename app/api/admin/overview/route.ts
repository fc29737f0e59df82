import { getOverview } from "@/lib/admin/overview"
import { route } from "@/lib/route"

// GET /api/admin/overview — totals and uploads/downloads per day (admin)
export const GET = route("admin", async () => Response.json({ overview: await getOverview() }))
