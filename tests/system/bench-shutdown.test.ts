import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { readdir, readFile } from "node:fs/promises"
import { describe, expect, it } from "vitest"

/**
 * `npm run bench` stops everything it started, whichever way it ends: after its table, on an
 * error, and on Ctrl-C. Its `--smoke` mode starts what every run starts except the build and the
 * app (PostgreSQL, the embedded S3 server, the proxy baseline's server, a bench user, one file
 * through the proxy), so this runs in seconds. No timing is asserted; the bound only ends a hang.
 */

type Run = { code: number | null; output: string }

function bench(args: string[], onOutput?: (output: string, signal: () => void) => void): Promise<Run> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/bench.ts", ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "development", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  })
  let output = ""
  const collect = (chunk: Buffer) => {
    output += chunk.toString()
    onOutput?.(output, () => child.kill("SIGINT"))
  }
  child.stdout.on("data", collect)
  child.stderr.on("data", collect)
  return new Promise((resolve) => {
    // A run that hangs is the bug: stop it (and, by the folder check below, fail) instead of waiting.
    const hang = setTimeout(() => child.kill("SIGKILL"), 75_000)
    child.once("exit", (code) => {
      clearTimeout(hang)
      resolve({ code, output })
    })
  })
}

/** Processes whose command line mentions `text` (PostgreSQL names its data folder, the proxy its port). */
async function processesMentioning(text: string): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "")
    if (cmdline.includes(text)) found.push(`${entry}: ${cmdline.replaceAll("\0", " ")}`)
  }
  return found
}

async function expectNothingLeft(run: Run) {
  // Every stop finished on its own: none was given up on after its time (the harness would move on).
  expect(run.output).not.toMatch(/took over \d+ s; moving on/)
  const folder = /run folder: (\S+)/.exec(run.output)?.[1]
  expect(folder, run.output).toBeDefined()
  expect(await processesMentioning(folder as string), run.output).toEqual([])
  expect(existsSync(folder as string), run.output).toBe(false)
  const proxyPort = /proxy baseline server on http:\/\/localhost:(\d+)/.exec(run.output)?.[1]
  if (proxyPort) expect(await processesMentioning(`bench/proxy/server.ts\0${proxyPort}\0`), run.output).toEqual([])
}

describe("npm run bench stops everything it started", () => {
  it("after a run, after a failure and on Ctrl-C", { timeout: 90_000 }, async () => {
    let interrupted = false
    const [passed, failed, cancelled] = await Promise.all([
      bench(["--smoke"]),
      bench(["--smoke=fail"]),
      // Ctrl-C while the run is still starting things (the bucket, the proxy, the bench user).
      bench(["--smoke"], (output, sigint) => {
        if (!interrupted && output.includes("services up")) {
          interrupted = true
          sigint()
        }
      }),
    ])
    expect(passed.code, passed.output).toBe(0)
    expect(passed.output).toContain("smoke: 1 MiB through the proxy baseline and back")
    expect(failed.code, failed.output).toBe(1)
    expect(failed.output).toContain("--smoke=fail: failing on purpose")
    expect(cancelled.code, cancelled.output).toBe(130)
    for (const run of [passed, failed, cancelled]) await expectNothingLeft(run)
  })
})
