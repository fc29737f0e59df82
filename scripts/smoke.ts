/**
 * `npm run smoke`: does this machine's Node run Valet? CI runs the full suite on Node 24 LTS and
 * this quick check on the machine's own Node 20 (after `npm install` and `npm run build`).
 *
 * From an empty data folder on free loopback ports it starts `npm run dev`, then `npm start` (the
 * production build), the way a person would; each must answer /api/health with the database and
 * storage ok, say at most once that the Node is past its end of life (and never print the AWS SDK's
 * own warning), and stop cleanly on SIGTERM. Exits 1 with the launcher's output on any failure.
 */
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { chmod, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { endOfLifeNotice } from "./services/node-release"
import { freePort } from "./services/ports"

const HEALTHY_WITHIN_MS = 120_000
const STOPPED_WITHIN_MS = 30_000

class SmokeError extends Error {}

async function waitForHealthy(url: string, hasExited: () => boolean) {
  const deadline = Date.now() + HEALTHY_WITHIN_MS
  while (Date.now() < deadline) {
    if (hasExited()) throw new SmokeError("the launcher exited before the app was healthy")
    const response = await fetch(url).catch(() => undefined)
    if (response?.status === 200) return (await response.json()) as unknown
    await new Promise((resolve) => setTimeout(resolve, 300))
  }
  throw new SmokeError(`${url} did not answer 200 within ${HEALTHY_WITHIN_MS / 1000}s`)
}

/** Starts the launcher, checks health and its output, stops it; returns the seconds to healthy. */
async function checkLauncher(
  mode: "dev" | "start",
  env: Omit<NodeJS.ProcessEnv, "NODE_ENV">,
  appUrl: string,
): Promise<number> {
  const started = Date.now()
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "scripts/dev.ts", ...(mode === "start" ? ["--prod"] : [])],
    {
      env: { ...env, NODE_ENV: mode === "start" ? "production" : "development" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  )
  let output = ""
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  const stop = async () => {
    child.kill("SIGTERM")
    const timer = setTimeout(() => child.kill("SIGKILL"), STOPPED_WITHIN_MS)
    const code = await exited
    clearTimeout(timer)
    return code
  }
  try {
    const health = await waitForHealthy(`${appUrl}/api/health`, () => child.exitCode !== null)
    const secondsToHealthy = (Date.now() - started) / 1000
    if (JSON.stringify(health) !== JSON.stringify({ status: "ok", checks: { database: "ok", storage: "ok" } })) {
      throw new SmokeError(`unexpected health: ${JSON.stringify(health)}`)
    }
    const notice = endOfLifeNotice()
    const noticeCount = notice ? output.split("\n").filter((line) => line === notice).length : 0
    if (noticeCount !== (notice ? 1 : 0)) throw new SmokeError(`the end-of-life line appeared ${noticeCount} times`)
    if (output.includes("NodeVersionSupportWarning"))
      throw new SmokeError("the AWS SDK printed its Node-version warning")

    const code = await stop()
    if (code !== 0 || !output.includes("valet: stopped"))
      throw new SmokeError(`SIGTERM did not stop it cleanly (exit ${code})`)
    if ((await fetch(`${appUrl}/api/health`).catch(() => "refused")) !== "refused") {
      throw new SmokeError("the app still answers after the launcher stopped")
    }
    return secondsToHealthy
  } catch (error) {
    if (child.exitCode === null) await stop()
    const reason = error instanceof Error ? error.message : String(error)
    throw new SmokeError(`npm run ${mode}: ${reason}\n--- launcher output ---\n${output}`)
  }
}

async function main() {
  if (!existsSync(".next/BUILD_ID")) throw new SmokeError("no production build: run `npm run build` first")
  const dataDir = await mkdtemp(path.join(tmpdir(), "valet-smoke-"))
  await chmod(dataDir, 0o755) // PostgreSQL runs as `postgres` when we are root
  try {
    const [pgPort, s3Port, appPort] = await Promise.all([freePort(), freePort(), freePort()])
    // What a shell on a fresh machine has: none of this process's DATABASE_URL, S3_* or secrets.
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NEXT_TELEMETRY_DISABLED: "1",
      VALET_DATA_DIR: dataDir,
      VALET_PG_PORT: String(pgPort),
      VALET_S3_PORT: String(s3Port),
      PORT: String(appPort),
    }
    const appUrl = `http://localhost:${appPort}`
    const dev = await checkLauncher("dev", env, appUrl)
    const start = await checkLauncher("start", env, appUrl)
    console.log(
      `smoke: Node ${process.version}: npm run dev healthy in ${dev.toFixed(1)}s, ` +
        `npm start in ${start.toFixed(1)}s, both stopped cleanly`,
    )
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(`smoke: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
