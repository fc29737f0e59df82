/**
 * Section 5, share download: `GET /s/:token/download` → 302 to a fresh presigned GET, redirects
 * not followed: the saturation rate (a closed loop at 32 connections, a fixed number of requests,
 * every one answered before it ends), then latency in an open loop at half that rate. The share's
 * download counter in the database must have grown by exactly the number of 302s both runs saw.
 */
import pg from "pg"
import {
  formatStatuses,
  MAX_OPEN_LOOP_P99_MS,
  OPEN_LOOP_NOTE,
  OPEN_LOOP_SECONDS,
  OPEN_LOOP_SHARE,
  quickOr,
  round,
  runLoad,
  runOpenLoop,
  SATURATION_CONNECTIONS,
  type LoadResult,
} from "./load"
import type { BenchScenario, BenchTarget } from "./types"

const WARM_UP_REQUESTS = 1000
const MIN_RUN_REQUESTS = 2000
const RUN_SECONDS = quickOr(10, 6)

export type BenchShare = { id: string; downloadUrl: string }

export async function api<T>(target: BenchTarget, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${target.appUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${target.bearerToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

/** A real file of the bench user (granted, put, completed): its id. */
export async function uploadBenchFile(target: BenchTarget, name = "bench-share.txt"): Promise<string> {
  const content = `a file for the share-download benchmark: ${name}\n`
  const { upload } = await api<{ upload: { id: string; url: string; headers: Record<string, string> } }>(
    target,
    "POST",
    "/api/uploads",
    { name, size: Buffer.byteLength(content), type: "text/plain" },
  )
  const put = await fetch(upload.url, { method: "PUT", headers: upload.headers, body: content })
  if (!put.ok) throw new Error(`PUT to storage: ${put.status} ${await put.text()}`)
  const { file } = await api<{ file: { id: string } }>(target, "POST", `/api/uploads/${upload.id}/complete`, {})
  return file.id
}

/** A link to one real file without expiry or download limit. */
export async function createBenchShare(target: BenchTarget): Promise<BenchShare> {
  const fileId = await uploadBenchFile(target)
  const { share } = await api<{ share: { id: string; url: string } }>(target, "POST", `/api/files/${fileId}/shares`, {
    expiresIn: null,
    maxDownloads: null,
  })
  // share.url is APP_URL-based, and the harness starts the app with APP_URL = target.appUrl.
  return { id: share.id, downloadUrl: `${share.url}/download` }
}

/** A link to several real files (POST /api/shares), and the per-file download URL of its first file. */
export async function createBenchMultiShare(
  target: BenchTarget,
  files = 3,
): Promise<{ id: string; fileDownloadUrl: string }> {
  const fileIds: string[] = []
  for (let index = 0; index < files; index++) fileIds.push(await uploadBenchFile(target, `bench-multi-${index}.txt`))
  const { share } = await api<{ share: { id: string; url: string } }>(target, "POST", "/api/shares", {
    fileIds,
    expiresIn: null,
    maxDownloads: null,
  })
  return { id: share.id, fileDownloadUrl: `${share.url}/files/${fileIds[0]}/download` }
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
  // Fixed counts for the closed loops: every request is answered (and counted) before the next
  // reading of the counter, none still in flight; the open loop waits for its last answer too.
  const warmUp = await measureShareDownload(target, share, {
    connections: SATURATION_CONNECTIONS,
    amount: WARM_UP_REQUESTS,
  })
  // About RUN_SECONDS' worth at the warm-up's pace.
  const amount = Math.max(MIN_RUN_REQUESTS, Math.round(warmUp.rate * RUN_SECONDS))
  const before = await shareDownloads(target.databaseUrl, share.id)
  const saturated = await measureShareDownload(target, share, { connections: SATURATION_CONNECTIONS, amount })
  const open = await runOpenLoop(
    {
      url: share.downloadUrl,
      rate: Math.max(1, OPEN_LOOP_SHARE * saturated.rate),
      durationSeconds: OPEN_LOOP_SECONDS,
      appPid: target.appPid,
    },
    302,
  )
  const counted = (await shareDownloads(target.databaseUrl, share.id)) - before
  const redirects = (saturated.statuses["302"] ?? 0) + (open.statuses["302"] ?? 0)
  return {
    title: "5. Share download: throughput, latency under load, exact counting",
    figures: [
      {
        name: `GET /s/:token/download saturation (@${SATURATION_CONNECTIONS} conns): rate (302s)`,
        key: "share.saturation",
        value: round(saturated.rate, 0),
        unit: "req/s",
      },
      {
        name: "GET /s/:token/download saturation: app CPU per request",
        value: round(saturated.appCpuMsPerRequest ?? Number.NaN, 2),
        unit: "ms",
      },
      {
        name: `GET /s/:token/download open loop @${round(open.offeredRate, 0)} req/s (50 % of saturation): p50`,
        key: "share.open.p50",
        value: open.p50Ms,
        unit: "ms",
      },
      {
        name: "GET /s/:token/download open loop @50 % of saturation: p99",
        key: "share.open.p99",
        value: open.p99Ms,
        unit: "ms",
        target: `< ${MAX_OPEN_LOOP_P99_MS} ms`,
        met: open.p99Ms < MAX_OPEN_LOOP_P99_MS,
      },
      { name: "GET /s/:token/download open loop: max", value: open.maxMs, unit: "ms" },
      { name: "302s seen by the load generators", value: redirects, unit: "responses" },
      {
        name: "download counter in the database (growth during both runs)",
        key: "share.counter",
        value: counted,
        unit: "downloads",
        target: "= 302s seen",
        met: counted === redirects,
      },
      {
        name: "non-302 + errors",
        value: saturated.unexpected + saturated.errors + open.unexpected + open.errors,
        unit: "responses",
      },
    ],
    notes: [
      `saturation: ${amount} requests in ${round(saturated.seconds)} s: ${formatStatuses(saturated.statuses)}; ${saturated.errors} connection errors/timeouts`,
      `open loop, ${open.sent} requests offered at ${round(open.offeredRate, 0)} req/s: ${formatStatuses(open.statuses)}; ${open.errors} errors`,
      "Each 302 is one conditional counter UPDATE, one audit row and one presigned GET (60 s); redirects are not followed.",
      OPEN_LOOP_NOTE,
    ],
  }
}
