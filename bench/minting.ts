/**
 * Section 3, key minting: `POST /api/uploads` with a Bearer token under load (50 and 200
 * connections) against the bare presigner in a tight loop. Only 201s count as minted keys; the
 * harness raises the per-user grant rate limit so the figures measure minting, not 429s.
 */
import { spawn } from "node:child_process"
import path from "node:path"
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
import type { BenchScenario, BenchTarget, Figure } from "./types"

const WARM_UP_SECONDS = 3
const RUN_SECONDS = 10
const PRESIGN_LOOP_SECONDS = 5
export const MIN_SHARE_OF_BARE_RATE = 0.25
export const MAX_P99_MS = 25

/** A tiny single-PUT grant: 1 byte never runs into the quota, however many are granted. */
const GRANT_BODY = JSON.stringify({ name: "bench.txt", size: 1, type: "text/plain" })

export function measureMinting(
  target: BenchTarget,
  options: { connections: number; durationSeconds: number },
): Promise<LoadResult> {
  return runLoad(
    {
      url: `${target.appUrl}/api/uploads`,
      method: "POST",
      headers: { authorization: `Bearer ${target.bearerToken}`, "content-type": "application/json" },
      body: GRANT_BODY,
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      appPid: target.appPid,
    },
    201,
  )
}

/** presignPut per second in one process with nothing else to do, and its CPU time per key. */
export function measureBarePresigner(
  target: BenchTarget,
  seconds = PRESIGN_LOOP_SECONDS,
): Promise<{ rate: number; cpuMsPerKey: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.resolve("bench/presign-loop.ts"), String(seconds)], {
      env: {
        ...process.env,
        ...target.s3Env,
        DATABASE_URL: target.databaseUrl,
        // lib/env wants one; the loop never touches sessions.
        AUTH_SECRET: process.env.AUTH_SECRET ?? "bench-presign-loop-needs-no-secret-0000",
      },
      stdio: ["ignore", "pipe", "inherit"],
    })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.once("error", reject)
    child.once("exit", (code) => {
      const line = output.trim().split("\n").at(-1) ?? ""
      try {
        const {
          count,
          seconds: elapsed,
          cpuSeconds,
        } = JSON.parse(line) as { count: number; seconds: number; cpuSeconds: number }
        resolve({ rate: count / elapsed, cpuMsPerKey: (1000 * cpuSeconds) / count })
      } catch {
        reject(new Error(`presign loop exited ${code} without a result: ${output}`))
      }
    })
  })
}

export const minting: BenchScenario = async (target) => {
  const bare = await measureBarePresigner(target)
  const bareRate = bare.rate
  const figures: Figure[] = [
    { name: "bare presigner (presignPut loop, 1 process): rate", value: round(bareRate, 0), unit: "keys/s" },
    { name: "bare presigner: CPU per key", value: round(bare.cpuMsPerKey, 3), unit: "ms" },
  ]
  const notes: string[] = []
  for (const connections of [50, 200]) {
    await measureMinting(target, { connections, durationSeconds: WARM_UP_SECONDS })
    const run = await measureMinting(target, { connections, durationSeconds: RUN_SECONDS })
    const share = run.rate / bareRate
    figures.push(
      { name: `POST /api/uploads @${connections} conns: rate (201s)`, value: round(run.rate, 0), unit: "req/s" },
      {
        name: `POST /api/uploads @${connections} conns: share of bare presigner`,
        value: round(100 * share, 1),
        unit: "%",
        target: `≥ ${100 * MIN_SHARE_OF_BARE_RATE} %`,
        met: share >= MIN_SHARE_OF_BARE_RATE,
      },
      { name: `POST /api/uploads @${connections} conns: p50`, value: run.p50Ms, unit: "ms" },
      {
        name: `POST /api/uploads @${connections} conns: p99`,
        value: run.p99Ms,
        unit: "ms",
        ...(connections === 200 ? { target: `< ${MAX_P99_MS} ms`, met: run.p99Ms < MAX_P99_MS } : {}),
      },
      {
        name: `POST /api/uploads @${connections} conns: app CPU per request`,
        value: round(run.appCpuMsPerRequest ?? Number.NaN, 2),
        unit: "ms",
      },
      {
        name: `POST /api/uploads @${connections} conns: non-201 + errors`,
        value: run.unexpected + run.errors,
        unit: "responses",
      },
    )
    notes.push(
      `@${connections} conns, ${round(run.seconds)} s: ${formatStatuses(run.statuses)}; ${run.errors} connection errors/timeouts`,
    )
    if (connections === 200) notes.push(latencyBudgetNote(connections, MAX_P99_MS, run))
  }
  const unqueued = await measureMinting(target, {
    connections: SERVICE_TIME_CONNECTIONS,
    durationSeconds: SERVICE_TIME_SECONDS,
  })
  figures.push(...serviceTimeFigures("POST /api/uploads", unqueued))
  notes.push(SERVICE_TIME_NOTE)
  notes.push("Each 201 is one Upload row, one audit row and one presigned PUT (1-byte text/plain, quota never binds).")
  return { title: "3. Key minting", figures, notes }
}
