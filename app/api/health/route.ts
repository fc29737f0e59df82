import type { ApiErrorBody } from "@/lib/errors"
import { checkHealth, type HealthReport } from "@/lib/health"
import { route } from "@/lib/route"

export const dynamic = "force-dynamic"

// GET /api/health — database and storage reachable (for load balancers and operators)
export const GET = route("public", async () => {
  const checks = await checkHealth()
  const down = (["database", "storage"] as const).filter((name) => checks[name] !== "ok")
  if (down.length === 0) return Response.json({ status: "ok", checks })
  const body: ApiErrorBody & { checks: HealthReport } = {
    error: {
      code: down.length === 1 && down[0] ? (`${down[0]}_unavailable` as const) : "unavailable",
      message: `Not ready: ${down.join(" and ")} unreachable`,
    },
    checks,
  }
  return Response.json(body, { status: 503, headers: { "Retry-After": "5" } })
})
