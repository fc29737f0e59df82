/**
 * HTTP load for the benchmark's request-rate sections: autocannon's programmatic API, with the
 * figures reduced to what the table shows (rate, p50/p99, status counts). Load always stops by
 * itself: after a duration or a fixed number of requests.
 */
import autocannon from "autocannon"
import { sampleProcessTree } from "./process-tree"

export type LoadOptions = {
  url: string
  method?: "GET" | "POST"
  headers?: Record<string, string>
  body?: string
  connections: number
  /** Seconds to run; ignored when `amount` is set. */
  durationSeconds?: number
  /** Exactly this many requests, each answered before the run ends (for exact counting). */
  amount?: number
  /** The app's process group: its CPU time per answered request goes into the result. */
  appPid?: number
}

export type LoadResult = {
  requests: number
  seconds: number
  /** Responses per second with the expected status. */
  rate: number
  p50Ms: number
  p99Ms: number
  /** Responses per status code, e.g. { "201": 51234 }. */
  statuses: Record<string, number>
  /** Responses with another status than the expected one. */
  unexpected: number
  /** Connection errors and timeouts (no response at all). */
  errors: number
  /** The app's CPU milliseconds per answered request (when `appPid` was given). */
  appCpuMsPerRequest?: number
}

/**
 * autocannon resolves "localhost" itself and may try ::1 first, where the app (bound to
 * 127.0.0.1) does not listen; the app's routes do not care which host name they were reached by.
 */
export const loopbackUrl = (url: string) => url.replace("//localhost:", "//127.0.0.1:")

export async function runLoad(options: LoadOptions, expectStatus: number): Promise<LoadResult> {
  const cpuBefore = options.appPid ? (await sampleProcessTree(options.appPid)).cpuSeconds : 0
  const result = await autocannon({
    url: loopbackUrl(options.url),
    method: options.method ?? "GET",
    headers: options.headers,
    body: options.body,
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.durationSeconds ?? 10 }),
    timeout: 30,
  })
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, Number(stats?.count ?? 0)]),
  )
  const answered = Object.values(statuses).reduce((sum, count) => sum + count, 0)
  const cpuSeconds = options.appPid ? (await sampleProcessTree(options.appPid)).cpuSeconds - cpuBefore : undefined
  const expected = statuses[String(expectStatus)] ?? 0
  // result.duration is the whole run in seconds (amount runs end when the last answer arrives).
  const seconds = Math.max(result.duration, 0.001)
  return {
    requests: answered,
    seconds,
    rate: expected / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    statuses,
    unexpected: answered - expected,
    // autocannon's errors already include its timeouts.
    errors: result.errors,
    appCpuMsPerRequest: cpuSeconds === undefined || answered === 0 ? undefined : (1000 * cpuSeconds) / answered,
  }
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits

/** "201×51234, 429×3" for a note line. */
export const formatStatuses = (statuses: Record<string, number>) =>
  Object.entries(statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(", ") || "none"

/**
 * Why a p99 target at a given concurrency is (un)reachable: in a closed loop (each connection
 * sends its next request when the last is answered) mean latency = connections / rate, so a
 * latency bound needs a rate of at least connections / bound; the app's CPU per request caps the
 * rate of one app process (Node runs its JavaScript on one core) at 1 / CPU per request.
 */
export function latencyBudgetNote(connections: number, maxLatencyMs: number, run: LoadResult): string {
  const needed = (connections * 1000) / maxLatencyMs
  const cpu = run.appCpuMsPerRequest
  const cap = cpu ? 1000 / cpu : undefined
  return (
    `Little's law: ${connections} connections with latency under ${maxLatencyMs} ms need ≥ ${Math.round(needed).toLocaleString("en-US")} req/s; ` +
    (cap
      ? `the app used ${round(cpu ?? 0, 2)} ms CPU per request, which caps one app process (one core for its JavaScript) at ≈ ${Math.round(cap).toLocaleString("en-US")} req/s. More throughput means more instances behind a load balancer (README, Operating Valet).`
      : "the app's CPU per request was not measured.")
  )
}

/** Connections of the unqueued run: one request at a time, so its latency is the app's service time. */
export const SERVICE_TIME_CONNECTIONS = 1
export const SERVICE_TIME_SECONDS = 5

/** p50/p99 of the unqueued run, shown beside a closed loop at many connections. */
export function serviceTimeFigures(label: string, run: LoadResult) {
  return [
    { name: `${label} @${SERVICE_TIME_CONNECTIONS} conn (no queue): p50`, value: run.p50Ms, unit: "ms" },
    { name: `${label} @${SERVICE_TIME_CONNECTIONS} conn (no queue): p99`, value: run.p99Ms, unit: "ms" },
  ]
}

export const SERVICE_TIME_NOTE =
  "At 1 connection each request waits for no other, so its latency is the app's service time; at 200 connections in a closed loop most of the latency is the queue (Little's law above)."
