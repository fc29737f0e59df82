import { createHash, timingSafeEqual } from "node:crypto"
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client"
import { ApiError } from "@/lib/errors"
import type { ErrorCode } from "@/lib/shared/error-codes"

/**
 * Prometheus metrics (GET /metrics). Every label value comes from a closed set the code names —
 * a route pattern, an HTTP method and status, an error code from the catalogue, a key kind —
 * never from a user, an id or a token, so a series count stays bounded whatever clients send.
 *
 * Counters are per process: with several instances, Prometheus scrapes each and sums.
 */
export type KeyKind = "put" | "part" | "get" | "preview"
export type ShareDownloadKind = "file" | "all"
export type ReaperWork = "uploads_closed" | "objects_swept" | "rate_limits_pruned" | "link_tokens_pruned"

function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const metric = { registers: [registry] }
  return {
    registry,
    keysMinted: new Counter({
      ...metric,
      name: "valet_keys_minted_total",
      help: "Valet keys (presigned URLs / SAS) minted, by kind.",
      labelNames: ["kind"] as const,
    }),
    completions: new Counter({
      ...metric,
      name: "valet_upload_completions_total",
      help: "Upload completions: verified in storage and recorded, or rejected with the error code.",
      labelNames: ["outcome", "reason"] as const,
    }),
    shareDownloads: new Counter({
      ...metric,
      name: "valet_share_downloads_total",
      help: "Counted share downloads (one file, or a whole link as a zip).",
      labelNames: ["kind"] as const,
    }),
    shareRefusals: new Counter({
      ...metric,
      name: "valet_share_downloads_refused_total",
      help: "Share downloads refused, by the error code answered.",
      labelNames: ["reason"] as const,
    }),
    httpErrors: new Counter({
      ...metric,
      name: "valet_http_errors_total",
      help: "Responses with a 4xx or 5xx status, by route pattern.",
      labelNames: ["route", "method", "status"] as const,
    }),
    httpDuration: new Histogram({
      ...metric,
      name: "valet_http_request_duration_seconds",
      help: "Time to answer a request, by route pattern (the body of a streamed answer not included).",
      labelNames: ["route", "method"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    reaperRuns: new Counter({
      ...metric,
      name: "valet_reaper_runs_total",
      help: "Reaper passes, by outcome.",
      labelNames: ["outcome"] as const,
    }),
    reaperWork: new Counter({
      ...metric,
      name: "valet_reaper_items_total",
      help: "What the reaper did: expired uploads closed, dead keys' objects swept, rows pruned.",
      labelNames: ["work"] as const,
    }),
    outboxMessages: new Counter({
      ...metric,
      name: "valet_outbox_messages_total",
      help: "Outbox deliveries attempted, by message kind and outcome.",
      labelNames: ["kind", "outcome"] as const,
    }),
    outboxPasses: new Counter({
      ...metric,
      name: "valet_outbox_passes_total",
      help: "Periodic worker passes (webhook deliveries, digests, reminders), by pass and outcome.",
      labelNames: ["pass", "outcome"] as const,
    }),
    dependencyUp: new Gauge({
      ...metric,
      name: "valet_dependency_up",
      help: "Whether the database and storage answered the health probe at the last scrape (1) or not (0).",
      labelNames: ["dependency"] as const,
    }),
  }
}

export type Metrics = ReturnType<typeof createMetrics>

/**
 * One set per process: Next.js bundles each route (and instrumentation.ts) on its own, so a
 * module-level registry would exist once per bundle and every scrape would see only its own
 * bundle's counts. globalThis is shared by all of them.
 */
const globals = globalThis as { valetMetrics?: Metrics }

export function getMetrics(): Metrics {
  globals.valetMetrics ??= createMetrics()
  return globals.valetMetrics
}

/** The catalogue code of a failure, or `internal` for anything else (an unexpected error). */
export function reasonOf(error: unknown): ErrorCode | "internal" {
  return error instanceof ApiError ? error.code : "internal"
}

export const countKeyMinted = (kind: KeyKind) => getMetrics().keysMinted.inc({ kind })

/**
 * Counts an upload completion's outcome (a repeat of a completed one is not counted again), and
 * answers (or rethrows) what it settled to.
 */
export async function countCompletion<T extends { created: boolean }>(completion: Promise<T>): Promise<T> {
  try {
    const result = await completion
    countSettledCompletion(result)
    return result
  } catch (error) {
    countSettledCompletion({ error })
    throw error
  }
}

/** countCompletion for an outcome already settled (a batch settles its items before it answers). */
export function countSettledCompletion(settled: { created: boolean } | { error: unknown }) {
  if ("error" in settled) getMetrics().completions.inc({ outcome: "rejected", reason: reasonOf(settled.error) })
  else if (settled.created) getMetrics().completions.inc({ outcome: "verified", reason: "" })
}

export const countShareDownloaded = (kind: ShareDownloadKind) => getMetrics().shareDownloads.inc({ kind })

/** Counts a share download's outcome: a counted download of `kind`, or a refusal by its code. */
export async function countShareDownload<T>(kind: ShareDownloadKind | null, download: Promise<T>): Promise<T> {
  try {
    const result = await download
    if (kind) countShareDownloaded(kind)
    return result
  } catch (error) {
    getMetrics().shareRefusals.inc({ reason: reasonOf(error) })
    throw error
  }
}

/**
 * The route pattern a request matched (`/api/files/[id]/download`), rebuilt from its path and the
 * params Next.js matched: each segment that holds a param's value becomes `[name]`, a catch-all's
 * tail `[...name]`. Segments left as they are come from the route's folder names, so the label set
 * is bounded by the routes on disk.
 */
export function routePattern(pathname: string, params: Record<string, string | string[] | undefined>): string {
  const segments = pathname.split("/")
  for (const [name, value] of Object.entries(params)) {
    if (Array.isArray(value)) {
      const tail = segments.slice(segments.length - value.length).map(safeDecode)
      if (value.length > 0 && tail.every((segment, index) => segment === value[index])) {
        segments.splice(segments.length - value.length, value.length, `[...${name}]`)
      }
    }
  }
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== "string") continue
    const index = segments.findIndex((segment) => safeDecode(segment) === value)
    if (index > 0) segments[index] = `[${name}]`
  }
  return segments.join("/") || "/"
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** Records one answered request under its route pattern. */
export function observeRequest(input: { route: string; method: string; status: number; seconds: number }): void {
  const metrics = getMetrics()
  metrics.httpDuration.observe({ route: input.route, method: input.method }, input.seconds)
  if (input.status >= 400) {
    metrics.httpErrors.inc({ route: input.route, method: input.method, status: String(input.status) })
  }
}

const digest = (value: string) => createHash("sha256").update(value).digest()

/** `Authorization: Bearer <token>` against the configured token, in constant time. */
export function isMetricsTokenValid(authorization: string | null, expected: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")
  // Digests have one length, so the comparison never leaks the token's length or a prefix.
  return timingSafeEqual(digest(match?.[1] ?? ""), digest(expected)) && match !== null
}
