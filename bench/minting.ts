/**
 * Section 4, key minting: `POST /api/uploads` with a Bearer token, against the bare presigner in a
 * tight loop: the saturation rate (a closed loop at 32 connections), then latency in an open loop
 * at half that rate. Only 201s count as minted keys; the harness raises the per-user grant rate
 * limit so the figures measure minting, not 429s.
 */
import { spawn } from "node:child_process"
import path from "node:path"
import { closeBenchGrants } from "./floor"
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
import type { BenchScenario, BenchTarget, Figure } from "./types"

const WARM_UP_SECONDS = quickOr(3, 2)
const RUN_SECONDS = quickOr(10, 6)
const PRESIGN_LOOP_SECONDS = quickOr(5, 3)
export const MIN_SHARE_OF_BARE_RATE = 0.25

/** A tiny single-PUT grant: 1 byte never runs into the quota, however many are granted. */
const GRANT_BODY = JSON.stringify({ name: "bench.txt", size: 1, type: "text/plain" })

export function measureMinting(
  target: BenchTarget,
  options: { connections: number; durationSeconds?: number; amount?: number },
): Promise<LoadResult> {
  return runLoad(
    {
      url: `${target.appUrl}/api/uploads`,
      method: "POST",
      headers: { authorization: `Bearer ${target.bearerToken}`, "content-type": "application/json" },
      body: GRANT_BODY,
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      amount: options.amount,
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
  const figures: Figure[] = [
    { name: "bare presigner (presignPut loop, 1 process): rate", value: round(bare.rate, 0), unit: "keys/s" },
    { name: "bare presigner: CPU per key", value: round(bare.cpuMsPerKey, 3), unit: "ms" },
  ]
  await closeBenchGrants(target.databaseUrl, target.userId)
  await measureMinting(target, { connections: SATURATION_CONNECTIONS, durationSeconds: WARM_UP_SECONDS })
  const saturated = await measureMinting(target, { connections: SATURATION_CONNECTIONS, durationSeconds: RUN_SECONDS })
  const share = saturated.rate / bare.rate
  await closeBenchGrants(target.databaseUrl, target.userId)
  const open = await runOpenLoop(
    {
      url: `${target.appUrl}/api/uploads`,
      method: "POST",
      headers: { authorization: `Bearer ${target.bearerToken}`, "content-type": "application/json" },
      body: GRANT_BODY,
      rate: Math.max(1, OPEN_LOOP_SHARE * saturated.rate),
      durationSeconds: OPEN_LOOP_SECONDS,
      appPid: target.appPid,
    },
    201,
  )
  figures.push(
    {
      name: `POST /api/uploads, saturation (@${SATURATION_CONNECTIONS} conns): rate (201s)`,
      key: "mint.saturation",
      value: round(saturated.rate, 0),
      unit: "req/s",
    },
    {
      name: "POST /api/uploads saturation: share of bare presigner",
      value: round(100 * share, 1),
      unit: "%",
      target: `≥ ${100 * MIN_SHARE_OF_BARE_RATE} %`,
      met: share >= MIN_SHARE_OF_BARE_RATE,
    },
    {
      name: "POST /api/uploads saturation: app CPU per request",
      value: round(saturated.appCpuMsPerRequest ?? Number.NaN, 2),
      unit: "ms",
    },
    {
      name: `POST /api/uploads open loop @${round(open.offeredRate, 0)} req/s (50 % of saturation): p50`,
      key: "mint.open.p50",
      value: open.p50Ms,
      unit: "ms",
    },
    {
      name: `POST /api/uploads open loop @50 % of saturation: p99`,
      key: "mint.open.p99",
      value: open.p99Ms,
      unit: "ms",
      target: `< ${MAX_OPEN_LOOP_P99_MS} ms`,
      met: open.p99Ms < MAX_OPEN_LOOP_P99_MS,
    },
    { name: "POST /api/uploads open loop: max", value: open.maxMs, unit: "ms" },
    {
      name: "POST /api/uploads: non-201 + errors (both runs)",
      value: saturated.unexpected + saturated.errors + open.unexpected + open.errors,
      unit: "responses",
    },
  )
  return {
    title: "4. Key minting: throughput and latency under load",
    figures,
    notes: [
      `saturation, ${round(saturated.seconds)} s: ${formatStatuses(saturated.statuses)}; ${saturated.errors} connection errors/timeouts`,
      `open loop, ${open.sent} requests offered at ${round(open.offeredRate, 0)} req/s: ${formatStatuses(open.statuses)}; ${open.errors} errors`,
      OPEN_LOOP_NOTE,
      "Each 201 is one Upload row, one audit row and one presigned PUT (1-byte text/plain, quota never binds).",
    ],
  }
}
