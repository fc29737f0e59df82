import { z } from "zod"
import { api, area, named } from "@/lib/shared/wire/common"
import { errorBodySchema } from "@/lib/shared/wire/errors"

const dependencyState = z.enum(["ok", "unavailable"])
export const healthReportSchema = z.strictObject({ database: dependencyState, storage: dependencyState })
export type HealthReport = z.infer<typeof healthReportSchema>

export const healthSchema = named(
  "Health",
  "Database and storage reachable.",
  z.strictObject({ status: z.literal("ok"), checks: healthReportSchema }),
)
export const unhealthySchema = named(
  "Unhealthy",
  "What is down, as an error body with the checks (Retry-After: 5).",
  errorBodySchema.extend({ checks: healthReportSchema }),
)

export const SYSTEM_OPERATIONS = area("System", [
  api("GET /api/health", "public", "Database and storage reachable (for load balancers and operators)", {
    200: healthSchema,
    503: unhealthySchema,
    errors: ["database_unavailable", "storage_unavailable", "unavailable"],
  }),
  api("GET /api/openapi.json", "public", "This document: OpenAPI 3.1, generated from the zod schemas", {
    200: z.looseObject({ openapi: z.literal("3.1.0") }).describe("The OpenAPI document"),
  }),
  api("GET /metrics", "public", "Prometheus metrics, for a scraper sending `Authorization: Bearer <METRICS_TOKEN>`", {
    200: { description: "Prometheus text exposition format (text/plain; version=0.0.4)" },
    headers: { Authorization: "Bearer METRICS_TOKEN" },
    errors: ["not_found", "unauthorized"],
  }),
])
