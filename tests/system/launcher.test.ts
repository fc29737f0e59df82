import { spawn, type ChildProcess } from "node:child_process"
import { existsSync } from "node:fs"
import { chmod, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { endOfLifeNotice } from "@/scripts/services/node-release"
import { freePort } from "@/scripts/services/ports"

type Launch = { child: ChildProcess; output: () => string; exited: Promise<number | null> }

/** Only what a shell on a fresh machine would have: no DATABASE_URL or S3_* from this test run. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "development",
    NEXT_TELEMETRY_DISABLED: "1",
    ...extra,
  }
}

function launch(env: NodeJS.ProcessEnv): Launch {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/dev.ts"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  })
  let output = ""
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  return { child, output: () => output, exited }
}

async function waitForHealthy(url: string, launched: Launch) {
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    if (launched.child.exitCode !== null) throw new Error(`launcher exited early:\n${launched.output()}`)
    const response = await fetch(url).catch(() => undefined)
    if (response?.status === 200) return response
    await new Promise((resolve) => setTimeout(resolve, 300))
  }
  throw new Error(`not healthy in time:\n${launched.output()}`)
}

/** Processes whose command line mentions the folder: embedded PostgreSQL, leftovers. */
async function processesUsing(folder: string): Promise<string[]> {
  const found: string[] = []
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "")
    if (cmdline.includes(folder)) found.push(`${entry}: ${cmdline.replaceAll("\0", " ")}`)
  }
  return found
}

describe("the launcher (npm run dev)", () => {
  let dataDir: string
  let env: NodeJS.ProcessEnv
  let appUrl: string

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "valet-launcher-"))
    await chmod(dataDir, 0o755) // PostgreSQL runs as `postgres` when we are root
    const [pgPort, s3Port, appPort, smtpPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()])
    appUrl = `http://localhost:${appPort}`
    env = cleanEnv({
      VALET_DATA_DIR: dataDir,
      VALET_PG_PORT: String(pgPort),
      VALET_S3_PORT: String(s3Port),
      VALET_SMTP_PORT: String(smtpPort),
      PORT: String(appPort),
    })
  })

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it.each([
    ["S3_ENDPOINT", "not-a-url", /^Invalid environment: S3_ENDPOINT .*\(got "not-a-url"\)$/],
    [
      "DATABASE_URL",
      "mysql://root@127.0.0.1/valet",
      /^Invalid environment: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/,
    ],
    ["DOWNLOAD_URL_TTL_SECONDS", "999999999", /^Invalid environment: DOWNLOAD_URL_TTL_SECONDS /],
  ])("refuses %s=%s with one clear line and starts nothing", async (name, value, message) => {
    const emptyDir = path.join(dataDir, `bad-env-${name}`)
    const launched = launch({ ...env, VALET_DATA_DIR: emptyDir, [name]: value })
    expect(await launched.exited).toBe(1)
    const lines = launched.output().trim().split("\n")
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(message)
    expect(existsSync(emptyDir)).toBe(false)
  })

  it("starts PostgreSQL, S3 and the app from an empty folder, and SIGTERM leaves nothing running", async () => {
    const launched = launch(env)
    const response = await waitForHealthy(`${appUrl}/api/health`, launched)
    expect(await response.json()).toEqual({ status: "ok", checks: { database: "ok", storage: "ok" } })
    expect(launched.output()).toMatch(/valet: applied migrations 20261123120000_init, \d{14}_/)
    // A session secret was generated for this install, readable by its owner only.
    const secretFile = path.join(dataDir, "auth-secret")
    expect((await readFile(secretFile, "utf8")).trim()).toMatch(/^[\w-]{43}$/)
    expect((await stat(secretFile)).mode & 0o077).toBe(0)
    expect(launched.output()).toMatch(/postgres\s+127\.0\.0\.1:\d+\s+\(embedded PostgreSQL/)
    expect(launched.output()).toMatch(/s3\s+http:\/\/127\.0\.0\.1:\d+\s+\(embedded s3rver/)
    expect(existsSync(path.join(dataDir, "pg", "PG_VERSION"))).toBe(true)
    expect(existsSync(path.join(dataDir, "s3", "valet"))).toBe(true)
    // An end-of-life Node is named once, by the launcher; the AWS SDK's own warning never shows.
    const notice = endOfLifeNotice()
    expect(
      launched
        .output()
        .split("\n")
        .filter((line) => line === notice),
    ).toHaveLength(notice ? 1 : 0)
    expect(launched.output()).not.toContain("NodeVersionSupportWarning")
    // Stored objects and the services' credentials: owner only.
    expect((await stat(path.join(dataDir, "s3"))).mode & 0o777).toBe(0o700)
    for (const file of ["pg-credentials.json", "s3-credentials.json"])
      expect((await stat(path.join(dataDir, file))).mode & 0o077).toBe(0)
    expect(launched.output()).toMatch(/mail\s+smtp:\/\/127\.0\.0\.1:\d+\s+\(mail catcher/)

    // Mail works with no setup: a sign-up's verification mail is caught, and its link printed.
    const signUp = await fetch(`${appUrl}/api/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "dev@example.com", password: "perfectly-fine-1" }),
    })
    expect(signUp.status).toBe(201)
    const deadline = Date.now() + 20_000
    while (!launched.output().includes("[mail]   ") && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 250))
    expect(launched.output()).toContain("[mail] to dev@example.com: Confirm your email address · Valet")
    expect(launched.output()).toMatch(new RegExp(`\\[mail\\]   ${appUrl}/verify-email\\?token=[\\w-]{43}`))
    expect((await stat(path.join(dataDir, "mail"))).mode & 0o077).toBe(0)

    launched.child.kill("SIGTERM")
    expect(await launched.exited).toBe(0)
    expect(launched.output()).toContain("valet: stopped")
    expect(await processesUsing(dataDir)).toEqual([])
    expect(await fetch(`${appUrl}/api/health`).catch(() => "refused")).toBe("refused")
  })

  it("reuses the data on a second start and recovers from a SIGKILLed run", async () => {
    const second = launch(env)
    await waitForHealthy(`${appUrl}/api/health`, second)
    expect(second.output()).not.toContain("applied migrations")
    second.child.kill("SIGKILL")
    await second.exited
    // PostgreSQL and Next outlive a SIGKILLed launcher; the next start must cope.
    expect((await processesUsing(dataDir)).length).toBeGreaterThan(0)

    const third = launch(env)
    await waitForHealthy(`${appUrl}/api/health`, third)
    expect(third.output()).toContain("left over from a killed run")
    third.child.kill("SIGTERM")
    expect(await third.exited).toBe(0)
    expect(await processesUsing(dataDir)).toEqual([])
    // Two starts, each allowed waitForHealthy's 90 s on a loaded machine: more than the suite's 120 s default.
  }, 240_000)
})
