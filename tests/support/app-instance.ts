/**
 * Real app instances for cluster tests: `next start` on the production build (scripts/test.ts
 * builds it before the cluster phase), each on its own loopback port and process group, so a test
 * can run two instances against one database and bucket, kill one mid-request, and start another.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { existsSync } from "node:fs"
import path from "node:path"
import { freePort } from "@/scripts/services/ports"

const NEXT_BIN = path.resolve("node_modules/next/dist/bin/next")

export type AppInstance = {
  url: string
  port: number
  /** The process group leader's pid (the `next start` process). */
  pid: number
  /** Everything the instance wrote to stdout and stderr so far. */
  logs(): string
  /** SIGTERM to the process group, resolved once it has exited. */
  stop(): Promise<void>
  /** SIGKILL to the process group: a crash, nothing is flushed or finished. */
  kill(): Promise<void>
  exited: Promise<number | null>
}

/**
 * Starts the built app with the test's environment plus `env` (DATABASE_URL, S3_*, …) and waits
 * until it answers `waitFor`: "healthy" (GET /api/health is 200) or "listening" (any HTTP answer,
 * for tests that start it while a dependency is down).
 */
export async function startAppInstance(
  options: {
    env?: Record<string, string>
    port?: number
    waitFor?: "healthy" | "listening"
    timeoutMs?: number
    /** Flags for the Node process itself, e.g. `--cpu-prof` (which NODE_OPTIONS may not carry). */
    nodeArgs?: string[]
    /** The build folder next.config.mjs picks under `env` (the benchmark's own build: .next-bench). */
    distDir?: string
  } = {},
): Promise<AppInstance> {
  if (!existsSync(path.resolve(options.distDir ?? ".next", "BUILD_ID"))) {
    throw new Error("no production build in .next: cluster tests need `next build` first (npm test does it)")
  }
  const port = options.port ?? (await freePort())
  const url = `http://localhost:${port}`
  let output = ""
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), NEXT_BIN, "start", "-H", "127.0.0.1", "-p", String(port)],
    {
      env: {
        ...process.env,
        APP_URL: url,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  )
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  const pid = child.pid ?? 0

  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return
    try {
      process.kill(-pid, name)
    } catch {
      // already gone
    }
    await exited
  }
  const instance: AppInstance = {
    url,
    port,
    pid,
    logs: () => output,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
    exited,
  }

  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  const waitFor = options.waitFor ?? "healthy"
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app instance on :${port} exited (${child.exitCode}):\n${output}`)
    const response = await fetch(`${url}/api/health`).catch(() => undefined)
    if (response && (waitFor === "listening" || response.ok)) return instance
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  await instance.kill()
  throw new Error(
    `app instance on :${port} was not ${waitFor} within ${(options.timeoutMs ?? 60_000) / 1000}s:\n${output}`,
  )
}
