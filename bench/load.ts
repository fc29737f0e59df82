/**
 * HTTP load for the benchmark's request-rate sections: autocannon's programmatic API, with the
 * figures reduced to what the table shows (rate, p50/p99, status counts). Load always stops by
 * itself: after a duration or a fixed number of requests.
 */
import http from "node:http"
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

/**
 * `--quick` (and `--readme`, which implies it): shorter timed runs, for the one command that
 * refreshes the README on both storage servers within ~12 minutes on two idle cores. Every run
 * still has its warm-up and enough requests for a p99; the transfers are the same size.
 */
export const QUICK = process.argv.includes("--quick") || process.argv.includes("--readme")
/** A duration (or count) for a normal run, or the shorter one under `--quick`. */
export const quickOr = <T>(normal: T, quick: T): T => (QUICK ? quick : normal)

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits

/** "201×51234, 429×3" for a note line. */
export const formatStatuses = (statuses: Record<string, number>) =>
  Object.entries(statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(", ") || "none"

export type OpenLoopOptions = {
  url: string
  method?: "GET" | "POST"
  headers?: Record<string, string>
  body?: string
  /** Requests per second offered, evenly spaced, whatever the answers do. */
  rate: number
  durationSeconds: number
  appPid?: number
}

export type OpenLoopResult = {
  offeredRate: number
  sent: number
  /** Answers with the expected status per second of the run. */
  rate: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  statuses: Record<string, number>
  unexpected: number
  errors: number
  appCpuMsPerRequest?: number
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0)

/**
 * An open loop: requests leave on a fixed schedule (rate per second, evenly spaced) whether or not
 * earlier ones were answered, and each latency counts from the moment its request was due, not
 * from when a free connection sent it. autocannon's `overallRate` is a per-second budget per
 * connection (each connection fires its share back to back when a second starts), which turns
 * "50 % load" into bursts; this keeps the arrivals even. Connections are kept alive and opened as
 * needed, so a slow answer never holds back the next request (no coordinated omission).
 */
export async function runOpenLoop(options: OpenLoopOptions, expectStatus: number): Promise<OpenLoopResult> {
  const target = new URL(loopbackUrl(options.url))
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 })
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  let errors = 0
  const cpuBefore = options.appPid ? (await sampleProcessTree(options.appPid)).cpuSeconds : 0
  const intervalMs = 1000 / options.rate
  const total = Math.max(1, Math.round(options.rate * options.durationSeconds))
  const started = performance.now()
  const inFlight: Promise<void>[] = []

  const send = (dueAt: number) =>
    new Promise<void>((resolve) => {
      const request = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          method: options.method ?? "GET",
          headers: {
            ...options.headers,
            ...(options.body === undefined ? {} : { "content-length": String(Buffer.byteLength(options.body)) }),
          },
        },
        (response) => {
          response.resume()
          response.once("end", () => {
            latencies.push(performance.now() - dueAt)
            const status = String(response.statusCode ?? 0)
            statuses[status] = (statuses[status] ?? 0) + 1
            resolve()
          })
        },
      )
      request.setTimeout(30_000, () => request.destroy(new Error("timeout")))
      request.once("error", () => {
        errors++
        resolve()
      })
      request.end(options.body)
    })

  for (let index = 0; index < total; index++) {
    const dueAt = started + index * intervalMs
    const wait = dueAt - performance.now()
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
    inFlight.push(send(dueAt))
  }
  await Promise.all(inFlight)
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  const cpuSeconds = options.appPid ? (await sampleProcessTree(options.appPid)).cpuSeconds - cpuBefore : undefined
  const sorted = latencies.sort((a, b) => a - b)
  const answered = latencies.length
  const expected = statuses[String(expectStatus)] ?? 0
  return {
    offeredRate: options.rate,
    sent: total,
    rate: expected / seconds,
    p50Ms: round(percentile(sorted, 50), 1),
    p99Ms: round(percentile(sorted, 99), 1),
    maxMs: round(sorted.at(-1) ?? Number.NaN, 1),
    statuses,
    unexpected: answered - expected,
    errors,
    appCpuMsPerRequest: cpuSeconds === undefined || answered === 0 ? undefined : (1000 * cpuSeconds) / answered,
  }
}

/** Connections of the closed loop that finds the saturation rate: enough to keep the app's one core busy. */
export const SATURATION_CONNECTIONS = 32
/** The open loop's offered rate as a share of the measured saturation rate (issue 20, target 5). */
export const OPEN_LOOP_SHARE = 0.5
export const OPEN_LOOP_SECONDS = quickOr(10, 6)
export const MAX_OPEN_LOOP_P99_MS = 50

export const OPEN_LOOP_NOTE =
  "Latency under load: a closed loop at 32 connections finds the saturation rate (answers per second with the app's JavaScript core busy); then an open loop offers 50 % of it, evenly spaced, and times each request from when it was due (bench/load.ts runOpenLoop)."
