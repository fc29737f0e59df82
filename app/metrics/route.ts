import { getEnv } from "@/lib/env"
import { ApiError } from "@/lib/errors"
import { checkHealth } from "@/lib/health"
import { getMetrics, isMetricsTokenValid } from "@/lib/metrics"
import { route } from "@/lib/route"

export const dynamic = "force-dynamic"

// GET /metrics — Prometheus text, for a scraper holding METRICS_TOKEN; 404 while it is unset (off)
export const GET = route("public", async ({ request }) => {
  const token = getEnv().METRICS_TOKEN
  if (!token) throw new ApiError("not_found", "Metrics are off on this server")
  if (!isMetricsTokenValid(request.headers.get("authorization"), token)) {
    throw new ApiError("unauthorized", "Send Authorization: Bearer <METRICS_TOKEN>", {
      "WWW-Authenticate": 'Bearer realm="metrics"',
    })
  }
  const metrics = getMetrics()
  // Probed per scrape (bounded by the health check's own timeout): the gauge says what is true now.
  const health = await checkHealth()
  for (const dependency of ["database", "storage"] as const) {
    metrics.dependencyUp.set({ dependency }, health[dependency] === "ok" ? 1 : 0)
  }
  return new Response(await metrics.registry.metrics(), {
    headers: { "Content-Type": metrics.registry.contentType },
  })
})
