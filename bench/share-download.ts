/**
 * Section 4, share download: `GET /s/:token/download` → 302 to a fresh presigned GET, at 200
 * connections, redirects not followed. The run is a fixed number of requests (every one answered
 * before it ends), so the share's download counter in the database must have grown by exactly the
 * number of 302s autocannon saw.
 */
import pg from "pg"
import {
  formatStatuses,
  latencyBudgetNote,
  round,
  runLoad,
  SERVICE_TIME_CONNECTIONS,
  SERVICE_TIME_NOTE,
  SERVICE_TIME_SECONDS,
  serviceTimeFigures,
  type LoadResult,
} from "./load"
import type { BenchScenario, BenchTarget } from "./types"

const CONNECTIONS = 200
const WARM_UP_REQUESTS = 1000
const MIN_RUN_REQUESTS = 2000
const RUN_SECONDS = 10
export const MAX_P99_MS = 25

export type BenchShare = { id: string; downloadUrl: string }

async function api<T>(target: BenchTarget, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${target.appUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${target.bearerToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

/** A real file (granted, put, completed) and a link to it without expiry or download limit. */
export async function createBenchShare(target: BenchTarget): Promise<BenchShare> {
  const content = "a file for the share-download benchmark\n"
  const { upload } = await api<{ upload: { id: string; url: string; headers: Record<string, string> } }>(
    target,
    "POST",
    "/api/uploads",
    {
      name: "bench-share.txt",
      size: Buffer.byteLength(content),
      type: "text/plain",
    },
  )
  const put = await fetch(upload.url, { method: "PUT", headers: upload.headers, body: content })
  if (!put.ok) throw new Error(`PUT to storage: ${put.status} ${await put.text()}`)
  const { file } = await api<{ file: { id: string } }>(target, "POST", `/api/uploads/${upload.id}/complete`, {})
  const { share } = await api<{ share: { id: string; url: string } }>(target, "POST", `/api/files/${file.id}/shares`, {
    expiresIn: null,
    maxDownloads: null,
  })
  // share.url is APP_URL-based, and the harness starts the app with APP_URL = target.appUrl.
  return { id: share.id, downloadUrl: `${share.url}/download` }
}

export async function shareDownloads(databaseUrl: string, shareId: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ downloads: number }>(`SELECT downloads FROM "Share" WHERE id = $1`, [shareId])
    return rows[0]?.downloads ?? Number.NaN
  } finally {
    await client.end()
  }
}

export function measureShareDownload(
  target: BenchTarget,
  share: BenchShare,
  options: { connections: number; durationSeconds?: number; amount?: number },
): Promise<LoadResult> {
  return runLoad({ url: share.downloadUrl, ...options, appPid: target.appPid }, 302)
}

export const shareDownload: BenchScenario = async (target) => {
  const share = await createBenchShare(target)
  // Fixed counts for the warm-up too: every request is answered (and counted) before the next
  // reading of the counter, none still in flight.
  const warmUp = await measureShareDownload(target, share, { connections: CONNECTIONS, amount: WARM_UP_REQUESTS })
  // About RUN_SECONDS' worth at the warm-up's pace.
  const amount = Math.max(MIN_RUN_REQUESTS, Math.round(warmUp.rate * RUN_SECONDS))
  const before = await shareDownloads(target.databaseUrl, share.id)
  const run = await measureShareDownload(target, share, { connections: CONNECTIONS, amount })
  const counted = (await shareDownloads(target.databaseUrl, share.id)) - before
  const redirects = run.statuses["302"] ?? 0
  const unqueued = await measureShareDownload(target, share, {
    connections: SERVICE_TIME_CONNECTIONS,
    durationSeconds: SERVICE_TIME_SECONDS,
  })
  return {
    title: "4. Share download",
    figures: [
      { name: `GET /s/:token/download @${CONNECTIONS} conns: rate (302s)`, value: round(run.rate, 0), unit: "req/s" },
      { name: `GET /s/:token/download @${CONNECTIONS} conns: p50`, value: run.p50Ms, unit: "ms" },
      {
        name: `GET /s/:token/download @${CONNECTIONS} conns: p99`,
        value: run.p99Ms,
        unit: "ms",
        target: `< ${MAX_P99_MS} ms`,
        met: run.p99Ms < MAX_P99_MS,
      },
      {
        name: `GET /s/:token/download @${CONNECTIONS} conns: app CPU per request`,
        value: round(run.appCpuMsPerRequest ?? Number.NaN, 2),
        unit: "ms",
      },
      ...serviceTimeFigures("GET /s/:token/download", unqueued),
      { name: "302s seen by the load generator", value: redirects, unit: "responses" },
      {
        name: "download counter in the database (growth during the run)",
        value: counted,
        unit: "downloads",
        target: "= 302s seen",
        met: counted === redirects,
      },
      { name: "non-302 + errors", value: run.unexpected + run.errors, unit: "responses" },
    ],
    notes: [
      `${amount} requests in ${round(run.seconds)} s: ${formatStatuses(run.statuses)}; ${run.errors} connection errors/timeouts`,
      "Each 302 is one conditional counter UPDATE, one audit row and one presigned GET (60 s); redirects are not followed.",
      latencyBudgetNote(CONNECTIONS, MAX_P99_MS, run),
      SERVICE_TIME_NOTE,
    ],
  }
}
