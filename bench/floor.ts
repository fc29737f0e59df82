/**
 * Section 3, app CPU per request against the floor. The bench build holds an extra route, an
 * empty handler (app/api/bench/floor/route.bench.ts): its CPU per request is what Next.js itself
 * costs per request in this build on this machine. Each of Valet's hot routes is measured the same
 * way in the same app process, interleaved with the floor over several rounds (the median of each
 * is kept), so the ratios hold on a busy shared machine even when the absolute figures drift.
 *
 * Routes: the key grant (POST /api/uploads with an API token, a single PUT), part signing (POST
 * /api/uploads/:id/parts, per part, in the largest batch the endpoint accepts and one at a time),
 * share download (GET /s/:token/download → 302, counted), a multi-file link's per-file download
 * (GET /s/:token/files/:fileId/download → 302, counted) and GET /api/files.
 *
 * Two more floors show what the framework costs for the shape of each route, beside the empty
 * handler the targets are judged against: a JSON route (app/api/bench/floor/json: reads the JSON
 * body, answers 201 with JSON as long as a real grant's answer) for the grant, and a redirect
 * (app/api/bench/floor/redirect/[token]: a dynamic segment, like /s/[token]/download, and a 302
 * with a Location as long as a real presigned URL) for the downloads. Valet's own cost is the
 * distance from its route to its shape's floor (bench/profile-summary.ts --windows shows where).
 */
import pg from "pg"
import { MAX_PARTS_PER_SIGNING } from "@/lib/shared/validations/uploads"
import { formatStatuses, quickOr, round, runLoad, type LoadOptions, type LoadResult } from "./load"
import { monotonicMicros, recordProfileWindows, type ProfileWindow } from "./profile-windows"
import { api, createBenchMultiShare, createBenchShare } from "./share-download"
import type { BenchScenario, BenchTarget, Figure } from "./types"

const ROUNDS = 3
const CONNECTIONS = 8
const WARM_UP_SECONDS = quickOr(2, 1)
const RUN_SECONDS = quickOr(4, 2)
export const MAX_GRANT_RATIO = 1.6
export const MAX_SHARE_DOWNLOAD_RATIO = 1.6
export const MAX_PART_RATIO = 0.3

type Probe = {
  name: string
  /** The figures' keys: floor.<key>.cpu and floor.<key>.ratio (bench/summary.ts). */
  key: string
  load: Omit<LoadOptions, "connections" | "durationSeconds" | "appPid">
  expect: number
  /** Units of work per request (parts signed per call); CPU is reported per unit. */
  perRequest: number
  target?: { max: number; words: string }
  /** Runs before each round of this probe (e.g. closing the bench's pending grants). */
  before?: () => Promise<void>
  /** The floor of this route's shape (a probe key), shown beside the empty handler's ratio. */
  shapeFloor?: string
}

/** The bench's own grants stay PENDING (nothing is put); closed so every round sees the same few in flight. */
export async function closeBenchGrants(databaseUrl: string, userId: string) {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    await client.query(
      `UPDATE "Upload" SET status = 'EXPIRED', "closedAt" = now() WHERE "ownerId" = $1 AND status = 'PENDING' AND "multipartUploadId" IS NULL`,
      [userId],
    )
  } finally {
    await client.end()
  }
}

/** A multipart grant to sign parts of (nothing is ever put), and how many parts one call may ask for. */
async function multipartGrant(target: BenchTarget): Promise<{ id: string; batch: number }> {
  const { upload } = await api<{ upload: { id: string; partCount: number } }>(target, "POST", "/api/uploads", {
    name: "bench-parts.bin",
    size: 1024 ** 3,
    type: "application/octet-stream",
  })
  return { id: upload.id, batch: Math.min(MAX_PARTS_PER_SIGNING, upload.partCount) }
}

/**
 * A probe's CPU per request: a warm-up, then a measured run. A batch call (100 part URLs) can take
 * longer than a timed run on a busy machine, so batches run a fixed number of calls instead.
 */
export async function measureCpuPerRequest(target: BenchTarget, load: Probe["load"], expect: number, batch = false) {
  const options = { ...load, connections: CONNECTIONS, appPid: target.appPid }
  if (batch) {
    await runLoad({ ...options, amount: CONNECTIONS }, expect)
    return timed(() => runLoad({ ...options, amount: 3 * CONNECTIONS }, expect))
  }
  await runLoad({ ...options, durationSeconds: WARM_UP_SECONDS }, expect)
  return timed(() => runLoad({ ...options, durationSeconds: RUN_SECONDS }, expect))
}

/** A measured run and when it was (bench/profile-windows.ts). */
async function timed(run: () => Promise<LoadResult>): Promise<LoadResult & { startUs: number; endUs: number }> {
  const startUs = monotonicMicros()
  const result = await run()
  return { ...result, startUs, endUs: monotonicMicros() }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

export const floor: BenchScenario = async (target) => {
  const bearer = { authorization: `Bearer ${target.bearerToken}` }
  const json = { ...bearer, "content-type": "application/json" }
  const share = await createBenchShare(target)
  const multi = await createBenchMultiShare(target)
  const parts = await multipartGrant(target)
  const partNumbers = (count: number) => Array.from({ length: count }, (_, index) => index + 1)
  const closeGrants = () => closeBenchGrants(target.databaseUrl, target.userId)
  const grantBody = JSON.stringify({ name: "bench.txt", size: 1, type: "text/plain" })
  // The shape floors answer as many bytes as the real routes do.
  const grantAnswerBytes = JSON.stringify(
    await api(target, "POST", "/api/uploads", { name: "bench.txt", size: 1, type: "text/plain" }),
  ).length
  const locationBytes = (await fetch(share.downloadUrl, { redirect: "manual" })).headers.get("location")?.length ?? 0
  await closeGrants()

  const allProbes: Probe[] = [
    {
      name: "floor: empty route handler (GET /api/bench/floor)",
      key: "floor",
      load: { url: `${target.appUrl}/api/bench/floor` },
      expect: 204,
      perRequest: 1,
    },
    {
      name: `floor of a JSON route: reads the body, answers ${grantAnswerBytes} B of JSON (POST /api/bench/floor/json)`,
      key: "floorJson",
      load: {
        url: `${target.appUrl}/api/bench/floor/json?bytes=${grantAnswerBytes}`,
        method: "POST",
        headers: json,
        body: grantBody,
      },
      expect: 201,
      perRequest: 1,
    },
    {
      name: `floor of a redirect: 302 to a ${locationBytes} B Location (GET /api/bench/floor/redirect/:token)`,
      key: "floorRedirect",
      load: {
        url: `${target.appUrl}/api/bench/floor/redirect/${share.downloadUrl.split("/").at(-2)}?bytes=${locationBytes}`,
      },
      expect: 302,
      perRequest: 1,
    },
    {
      name: "key grant (POST /api/uploads, token, single PUT)",
      key: "grant",
      load: { url: `${target.appUrl}/api/uploads`, method: "POST", headers: json, body: grantBody },
      expect: 201,
      perRequest: 1,
      target: { max: MAX_GRANT_RATIO, words: `≤ ${MAX_GRANT_RATIO}× floor` },
      before: closeGrants,
      shapeFloor: "floorJson",
    },
    {
      name: `part signing, ${parts.batch} parts per call: per part`,
      key: "parts",
      load: {
        url: `${target.appUrl}/api/uploads/${parts.id}/parts`,
        method: "POST",
        headers: json,
        body: JSON.stringify({ partNumbers: partNumbers(parts.batch) }),
      },
      expect: 200,
      perRequest: parts.batch,
      target: { max: MAX_PART_RATIO, words: `≤ ${MAX_PART_RATIO}× floor` },
    },
    {
      name: "part signing, 1 part per call",
      key: "parts1",
      load: {
        url: `${target.appUrl}/api/uploads/${parts.id}/parts`,
        method: "POST",
        headers: json,
        body: JSON.stringify({ partNumbers: [1] }),
      },
      expect: 200,
      perRequest: 1,
    },
    {
      name: "share download (GET /s/:token/download → 302, counted)",
      key: "share",
      load: { url: share.downloadUrl },
      expect: 302,
      perRequest: 1,
      target: { max: MAX_SHARE_DOWNLOAD_RATIO, words: `≤ ${MAX_SHARE_DOWNLOAD_RATIO}× floor` },
      shapeFloor: "floorRedirect",
    },
    {
      name: "multi-file link, per-file download (→ 302, counted)",
      key: "perFile",
      load: { url: multi.fileDownloadUrl },
      expect: 302,
      perRequest: 1,
      target: { max: MAX_SHARE_DOWNLOAD_RATIO, words: `≤ ${MAX_SHARE_DOWNLOAD_RATIO}× floor` },
      shapeFloor: "floorRedirect",
    },
    {
      name: "GET /api/files (token)",
      key: "files",
      load: { url: `${target.appUrl}/api/files`, headers: bearer },
      expect: 200,
      perRequest: 1,
    },
  ]
  // --probes: only these (the empty floor always, as every ratio's anchor), e.g. one route per CPU profile.
  const probes = target.probes
    ? allProbes.filter((probe) => probe.key === "floor" || target.probes?.includes(probe.key))
    : allProbes

  const samples = new Map<string, (LoadResult & { startUs: number; endUs: number })[]>(
    probes.map((probe) => [probe.name, []]),
  )
  for (let round = 0; round < ROUNDS; round++) {
    for (const probe of probes) {
      await probe.before?.()
      samples.get(probe.name)?.push(await measureCpuPerRequest(target, probe.load, probe.expect, probe.perRequest > 1))
    }
  }

  await recordProfileWindows(
    target,
    probes.flatMap((probe): ProfileWindow[] =>
      (samples.get(probe.name) ?? []).map((run) => ({
        probe: probe.key,
        startUs: run.startUs,
        endUs: run.endUs,
        requests: (run.statuses[String(probe.expect)] ?? run.requests) * probe.perRequest,
      })),
    ),
  )

  const cpuOf = (probe: Probe) =>
    median((samples.get(probe.name) ?? []).map((run) => (run.appCpuMsPerRequest ?? Number.NaN) / probe.perRequest))
  const floorProbe = probes[0] as Probe
  const floorMs = cpuOf(floorProbe)
  const figures: Figure[] = []
  const notes: string[] = []
  for (const probe of probes) {
    const cpu = cpuOf(probe)
    const ratio = cpu / floorMs
    const runs = samples.get(probe.name) ?? []
    figures.push({
      name: `${probe.name}: app CPU per ${probe.perRequest > 1 ? "part" : "request"}`,
      key: `floor.${probe.key}.cpu`,
      value: round(cpu, 3),
      unit: "ms",
    })
    if (probe !== floorProbe)
      figures.push({
        name: `${probe.name}: ÷ floor`,
        key: `floor.${probe.key}.ratio`,
        value: round(ratio, 2),
        unit: "×",
        ...(probe.target ? { target: probe.target.words, met: ratio <= probe.target.max } : {}),
      })
    const shapeFloor = probes.find((candidate) => candidate.key === probe.shapeFloor)
    if (shapeFloor)
      figures.push({
        name: `${probe.name}: ÷ the floor of its shape (${shapeFloor.key})`,
        key: `floor.${probe.key}.shapeRatio`,
        value: round(cpu / cpuOf(shapeFloor), 2),
        unit: "×",
      })
    const failures = runs.reduce((sum, run) => sum + run.unexpected + run.errors, 0)
    notes.push(
      `${probe.name}: ${runs.map((run) => round((run.appCpuMsPerRequest ?? Number.NaN) / probe.perRequest, 3)).join(" / ")} ms per round at ${runs.map((run) => round(run.rate, 0)).join(" / ")} req/s${failures > 0 ? `; unexpected: ${runs.map((run) => formatStatuses(run.statuses)).join(" | ")}` : ""}`,
    )
  }
  notes.push(
    `${ROUNDS} rounds, each probe ${WARM_UP_SECONDS} s warm-up + ${RUN_SECONDS} s at ${CONNECTIONS} connections; the median round counts. CPU is the whole next start process tree's (utime + stime from /proc), so idle timers are inside every figure.`,
  )
  return { title: "3. App CPU per request vs the floor", figures, notes }
}
