/**
 * `npm run bench`: the figures behind Valet's claims, measured against real services started here
 * and stopped at the end (see README, "Benchmark"). Not part of `npm test`: nothing here asserts.
 *
 * 1. a throwaway PostgreSQL and embedded S3 on free loopback ports (data in a temp folder), and
 *    with --ceph a throwaway Ceph RGW as a second storage profile;
 * 2. the bench build: `next build` with VALET_BENCH_BUILD=1 into .next-bench, the production build
 *    plus the floor routes (the route.bench.ts files under app/api/bench/floor: an empty
 *    handler, and the floors of a JSON route and of a redirect, bench/floor.ts); skipped when
 *    .next-bench is newer than every source file, --rebuild forces it. The harness checks that the
 *    bench build holds the floor and that a production build in .next does not;
 * 3. per storage profile: the build started (`next start`, loopback only) with the benchmark's
 *    settings, and beside it the proxy baseline's own server (bench/proxy/server.ts; the product
 *    holds no bench route), a bench user with a `vlt_` API token, then each scenario in order;
 * 4. one table on stdout, and bench/results/<timestamp>-<storage>.json + bench/results/latest.json
 *    with the machine's description.
 *
 * Flags: --ceph, --skip-embedded (with --ceph or --azurite: only those), --azurite (Azure Blob
 * Storage through an in-process Azurite as one more storage profile; with --only=data-path,minting
 * for sections 1 and 3), --only=<name,…> (scenario names below), --rebuild, --markdown (also print
 * the README's summary table, bench/summary.ts; --markdown=full: every figure as Markdown),
 * --write-readme (that table into README.md between its markers), --quick (shorter timed runs,
 * bench/load.ts), --readme (= --ceph --quick --markdown --write-readme: the one command for the README), --from=<results.json>[,…] (only print those
 * files' tables, and with --write-readme write them), --cpu-prof=<dir> (V8 CPU profiles of the app
 * processes, written when they stop; with --probes=<key,…> section 3 runs only those probes, so one
 * profile holds one route: floor, floorJson, floorRedirect, grant, parts, parts1, share, perFile,
 * files), --node-flags="<flags>" (V8/Node flags for the app and the proxy server, an experiment),
 * --growth-rows=<n> (the growth scenario's table size instead
 * of 10^6, e.g. 10000000), --smoke[=fail] (start and stop the services and the proxy without the
 * build or the app: the shutdown test's run).
 */
import { spawn, type ChildProcess } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import os, { tmpdir } from "node:os"
import path from "node:path"
import { growth } from "@/bench/growth"
import { runBrowserUpload } from "@/bench/browser-upload"
import { runDataPath } from "@/bench/data-path"
import { floor } from "@/bench/floor"
import { minting } from "@/bench/minting"
import { shareDownload } from "@/bench/share-download"
import { QUICK } from "@/bench/load"
import { formatValue, mark, readmeTable, readResults, writeReadmeTable } from "@/bench/summary"
import type {
  BenchScenario,
  BenchSection,
  BenchStorage,
  BenchTarget,
  Machine,
  ResultsFile,
  StorageRun,
} from "@/bench/types"
import { startAppInstance, type AppInstance } from "@/tests/support/app-instance"
import { ensureRandomFile, MIB, ValetClient } from "@/bench/transfer-client"
import { startEmbeddedAzurite } from "./services/embedded-azurite"
import { startEmbeddedPostgres } from "./services/embedded-postgres"
import { startEmbeddedS3 } from "./services/embedded-s3"
import { azuriteEnv, prepareServices } from "./services/local-stack"
import { readEnvFile } from "./services/env-file"
import { freePort } from "./services/ports"
import { BENCH_ROUTE, buildHasBenchRoute } from "./check-build"

/** Every scenario, in the order they run; `--only` picks by name. */
const SCENARIOS: { name: string; run: BenchScenario }[] = [
  { name: "data-path", run: runDataPath },
  { name: "browser-upload", run: runBrowserUpload },
  { name: "floor", run: floor },
  { name: "minting", run: minting },
  { name: "share-download", run: shareDownload },
  { name: "growth", run: growth },
]

/**
 * The app's environment for the benchmark, on top of the database and storage settings: the
 * per-user grant limit (300 per 10 minutes) would turn section 3 into a 429 benchmark.
 */
const BENCH_APP_ENV = {
  UPLOAD_GRANT_RATE_LIMIT: "1000000000",
  // The clients play the one proxy in front: each sends its own X-Forwarded-For (bench/transfer-client.ts),
  // so per-IP sign-up limits never couple scenarios.
  TRUSTED_PROXY_COUNT: "1",
}

const BENCH_BUCKET = "valet-bench"
const RESULTS_DIR = path.resolve("bench/results")
const NEXT_BIN = path.resolve("node_modules/next/dist/bin/next")
const TSX = path.resolve("node_modules/.bin/tsx")
const BENCH_DIST_DIR = ".next-bench"
/** next.config.mjs adds the bench-only route and distDir under this flag, at build and at start. */
const BENCH_BUILD_ENV = { VALET_BENCH_BUILD: "1" }

/** How long a process group gets between SIGTERM and SIGKILL. */
const STOP_GRACE_MS = 10_000
/** How long one cleanup step may take before the next one runs anyway. */
const CLEANUP_STEP_MS = 30_000

/** `--readme`: the one command for the README's table (both storage servers, the table written between its markers). */
const PRESETS: Record<string, string[]> = { readme: ["--ceph", "--quick", "--markdown", "--write-readme"] }
const ARGS = process.argv.flatMap((arg) => [arg, ...(PRESETS[arg.slice(2)] ?? [])])
const flag = (name: string) => ARGS.includes(`--${name}`)
const option = (name: string) => ARGS.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3)

const started = Date.now()
const say = (message: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`)

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  options: { capture?: boolean } = {},
) {
  return new Promise<{ code: number; output: string }>((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: options.capture ? ["ignore", "pipe", "inherit"] : "inherit" })
    let output = ""
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.once("error", reject)
    child.once("exit", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }))
  })
}

/**
 * The proxy baseline's server (section 1 compares the valet key with it), as its own process with
 * the app's environment, so its CPU is sampled like the app's. Answers once it listens.
 */
function startProxyServer(env: Record<string, string>, port: number, nodeArgs: string[]) {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "bench/proxy/server.ts", String(port)], {
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  })
  const stop = stopperOfGroup(child)
  // Registered at once, not once it listens: a Ctrl-C while it starts must stop it too.
  cleanups.push({ what: `the proxy baseline on :${port}`, stop })
  return new Promise<{ url: string; pid: number; stop: () => Promise<void> }>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("listening"))
        resolve({ url: `http://localhost:${port}`, pid: child.pid ?? 0, stop })
    })
    child.once("exit", (code) => reject(new Error(`bench/proxy/server.ts exited with ${code} before listening`)))
  })
}

/** SIGKILL to a process group, if anything is left in it. */
function killGroup(pid: number) {
  try {
    process.kill(-pid, "SIGKILL")
  } catch {
    // nothing left
  }
}

/**
 * Stops a detached child's process group: SIGTERM, SIGKILL after STOP_GRACE_MS, and a SIGKILL to
 * the group once the leader is gone (children it left behind). Safe to call again, also after the
 * child has exited or died of a signal: the exit is watched from the start, so it is never missed
 * (a second stop used to wait for an "exit" event that had already fired, forever, which kept
 * `npm run bench` and its PostgreSQL up after the table).
 */
function stopperOfGroup(child: ChildProcess): () => Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once("exit", () => resolve())
  })
  let stopping: Promise<void> | undefined
  return () =>
    (stopping ??= (async () => {
      const pid = child.pid ?? 0
      if (pid === 0) return
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-pid, "SIGTERM")
        } catch {
          // already gone
        }
      }
      const force = setTimeout(() => killGroup(pid), STOP_GRACE_MS)
      await exited
      clearTimeout(force)
      killGroup(pid)
    })())
}

/** The next start process group, stopped like stopperOfGroup does (AppInstance.stop alone waits without limit). */
function stopperOfApp(app: AppInstance): () => Promise<void> {
  let stopping: Promise<void> | undefined
  return () =>
    (stopping ??= (async () => {
      if (!(await settlesWithin(app.stop(), STOP_GRACE_MS))) await app.kill()
      killGroup(app.pid)
    })())
}

/** SIGKILL to the process group of every process whose command line holds `fragment` (NUL-separated arguments). */
async function killProcessGroupsOf(fragment: string) {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "")
    if (cmdline.includes(fragment)) killGroup(Number(entry))
  }
}

/** Whether `work` settled within `ms` (its error, if any, is printed, not thrown). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))
  const settled = work.then(
    () => true as const,
    (error: unknown) => {
      console.error(error)
      return true as const
    },
  )
  const result = await Promise.race([settled, timedOut])
  clearTimeout(timer)
  return result
}

/**
 * What this run started, stopped in reverse order at the end, on an error, on a signal and by the
 * watchdog. Each step has CLEANUP_STEP_MS: a step that hangs is reported and skipped, so the ones
 * after it (PostgreSQL is among the first started, so among the last stopped) still run.
 */
const cleanups: { what: string; stop: () => Promise<unknown> }[] = []
let cleaning: Promise<void> | undefined
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (let step = cleanups.pop(); step; step = cleanups.pop()) {
      if (!(await settlesWithin(step.stop(), CLEANUP_STEP_MS)))
        console.error(`[bench] stopping ${step.what} took over ${CLEANUP_STEP_MS / 1000} s; moving on`)
    }
  })()
  return cleaning
}

// --- the build ----------------------------------------------------------------------------------

const BUILD_INPUTS = [
  "app",
  "components",
  "lib",
  "public",
  "proxy.ts",
  "middleware.ts",
  "i18n",
  "messages",
  "next.config.mjs",
  "package-lock.json",
  "postcss.config.mjs",
  "tsconfig.json",
]

/** The newest modification time among the files `next build` compiles (tests and bench excluded). */
function newestSourceMtime(entry: string): number {
  if (!existsSync(entry)) return 0
  const stat = statSync(entry)
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(entry).reduce(
    (newest, name) => Math.max(newest, newestSourceMtime(path.join(entry, name))),
    stat.mtimeMs,
  )
}

async function ensureBuild() {
  const buildId = path.resolve(BENCH_DIST_DIR, "BUILD_ID")
  const stale =
    !existsSync(buildId) || BUILD_INPUTS.some((entry) => newestSourceMtime(entry) > statSync(buildId).mtimeMs)
  if (!stale && !flag("rebuild")) {
    say(`bench build in ${BENCH_DIST_DIR} is up to date`)
  } else {
    say(`building the app with the floor route (next build, VALET_BENCH_BUILD=1, into ${BENCH_DIST_DIR})`)
    const env = { ...process.env, ...BENCH_BUILD_ENV, NEXT_TELEMETRY_DISABLED: "1" }
    const { code } = await run(process.execPath, [NEXT_BIN, "build"], env)
    if (code !== 0) throw new Error("next build failed")
  }
  // The check `npm run build` runs (scripts/check-build.ts), shown to find the route where it is.
  if (!buildHasBenchRoute(BENCH_DIST_DIR)) throw new Error(`the bench build lacks ${BENCH_ROUTE}`)
  if (existsSync(".next/app-path-routes-manifest.json") && buildHasBenchRoute(".next"))
    throw new Error(`the production build in .next holds ${BENCH_ROUTE}; it must never ship`)
}

// --- machine ------------------------------------------------------------------------------------

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(path.resolve("node_modules", name, "package.json"), "utf8")) as { version: string })
      .version
  } catch {
    return "missing"
  }
}

async function describeMachine(): Promise<Machine> {
  const git = async (args: string[]) => (await run("git", args, process.env, { capture: true })).output.trim()
  const osRelease = existsSync("/etc/os-release") ? readFileSync("/etc/os-release", "utf8") : ""
  return {
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    cpus: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1] ?? `${os.type()} ${os.release()}`,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    gitCommit: await git(["rev-parse", "HEAD"]),
    gitDirty: (await git(["status", "--porcelain", "--untracked-files=no"])) !== "",
    packages: Object.fromEntries(
      [
        "next",
        "next-auth",
        "prisma",
        "@prisma/client",
        "@prisma/adapter-pg",
        "@aws-sdk/client-s3",
        "@aws-sdk/s3-request-presigner",
        "autocannon",
      ].map((name) => [name, packageVersion(name)]),
    ),
  }
}

// --- output -------------------------------------------------------------------------------------

function textTable(results: ResultsFile): string {
  const lines: string[] = []
  for (const storageRun of results.runs) {
    const load = storageRun.load
      ? `, load average ${storageRun.load.start[0]?.toFixed(1)} → ${storageRun.load.end[0]?.toFixed(1)}`
      : ""
    lines.push("", `== storage: ${storageRun.storage} (${storageRun.seconds.toFixed(0)} s${load}) ==`)
    for (const section of storageRun.sections) {
      lines.push("", section.title)
      const rows = section.figures.map((figure) => [
        figure.name,
        formatValue(figure.value),
        figure.unit,
        figure.target ?? "",
        mark(figure.met),
      ])
      const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0), 0))
      for (const row of rows) {
        lines.push(
          `  ${row[0]?.padEnd(widths[0] ?? 0)}  ${row[1]?.padStart(widths[1] ?? 0)} ${row[2]?.padEnd(widths[2] ?? 0)}  ${row[3]?.padEnd(widths[3] ?? 0)}  ${row[4]}`.trimEnd(),
        )
      }
      for (const note of section.notes ?? []) lines.push(`  · ${note}`)
    }
  }
  const missed = results.runs.flatMap((storageRun) =>
    storageRun.sections.flatMap((section) => section.figures.filter((figure) => figure.met === false)),
  )
  lines.push(
    "",
    `targets: ${results.runs.flatMap((r) => r.sections.flatMap((s) => s.figures.filter((f) => f.met !== undefined))).length - missed.length} met, ${missed.length} missed`,
  )
  return lines.join("\n")
}

function markdownTable(results: ResultsFile): string {
  const { machine } = results
  const lines = [
    `Measured ${results.runs[0]?.startedAt.slice(0, 10) ?? ""} on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}, commit ${machine.gitCommit.slice(0, 7)}${machine.gitDirty ? " (dirty)" : ""}.`,
  ]
  for (const storageRun of results.runs) {
    lines.push(
      "",
      `**Storage: ${storageRun.storage}**`,
      "",
      "| figure | value | target | met |",
      "| --- | ---: | --- | :---: |",
    )
    for (const section of storageRun.sections) {
      lines.push(`| **${section.title}** | | | |`)
      for (const figure of section.figures) {
        lines.push(
          `| ${figure.name} | ${formatValue(figure.value)} ${figure.unit} | ${figure.target ?? ""} | ${mark(figure.met)} |`,
        )
      }
    }
  }
  return lines.join("\n")
}

// --- one storage profile ------------------------------------------------------------------------

/** storageRoot: a path in the command line of every storage server process (Ceph's folder), for their CPU. */
type Profile = { storage: BenchStorage; s3Env: Record<string, string>; storageRoot?: string }

/** Azurite's blob service in this process (on disk, like the other profiles), the Azure profile. */
async function startAzurite(runDir: string): Promise<Profile> {
  const azurite = await startEmbeddedAzurite({ dataDir: path.join(runDir, "azurite"), port: await freePort() })
  cleanups.push({ what: "Azurite", stop: () => azurite.stop() })
  return { storage: "azurite", s3Env: { ...azuriteEnv(azurite), AZURE_STORAGE_CONTAINER: BENCH_BUCKET } }
}

async function startCeph(runDir: string): Promise<Profile> {
  const cephDir = path.join(runDir, "ceph")
  const [rgwPort, monPort] = await Promise.all([freePort(), freePort()])
  const env = { ...process.env, CEPH_RGW_PORT: String(rgwPort), CEPH_MON_PORT: String(monPort) }
  // Before up.sh: a Ctrl-C while it starts the daemons must still stop them (down.sh finds them by folder).
  cleanups.push({ what: "Ceph", stop: () => run("bash", ["scripts/ceph/down.sh", cephDir]) })
  const { code } = await run("bash", ["scripts/ceph/up.sh", cephDir], env)
  if (code === 3)
    throw new Error("--ceph: Ceph is not installed (apt-get install ceph-mon ceph-osd radosgw ceph-common)")
  if (code !== 0) throw new Error(`Ceph RGW did not start (exit ${code})`)
  return {
    storage: "ceph",
    s3Env: { ...(await readEnvFile(path.join(cephDir, "s3.env"))), S3_BUCKET: BENCH_BUCKET },
    storageRoot: cephDir,
  }
}

/**
 * The bench user and its API token, through lib/ itself (this process's environment points at the
 * bench database). Imported late: lib/ reads the environment on first use.
 */
async function createBenchUser(): Promise<{ userId: string; bearerToken: string }> {
  const { getDb } = await import("@/lib/db")
  const { createApiToken } = await import("@/lib/api-tokens")
  const user = await getDb().user.create({
    data: { email: `bench-${randomBytes(4).toString("hex")}@bench.invalid`, name: "Bench" },
    select: { id: true, email: true, name: true, role: true },
  })
  const token = await createApiToken(user, { name: "npm run bench" })
  return { userId: user.id, bearerToken: token.secret }
}

/** Between storage profiles: the database back to just the bench user and its token. */
async function resetDatabase(userId: string) {
  const { getDb } = await import("@/lib/db")
  const db = getDb()
  // CASCADE: links' files and access logs, webhook deliveries and the like go with what they point to.
  await db.$executeRawUnsafe(`TRUNCATE "AuditEvent", "Share", "File", "Upload", "UploadRequest", "RateLimit" CASCADE`)
  await db.user.deleteMany({ where: { id: { not: userId } } })
}

/** The scenario names `--only` picked (all when absent); an unknown name stops the run before anything starts. */
function selectedScenarios(): string[] | undefined {
  const only = option("only")
    ?.split(",")
    .map((name) => name.trim())
  const unknown = only?.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name)) ?? []
  if (unknown.length > 0)
    throw new Error(
      `--only: unknown scenario ${unknown.join(", ")} (known: ${SCENARIOS.map((s) => s.name).join(", ")})`,
    )
  return only
}

async function runProfile(
  profile: Profile,
  context: { databaseUrl: string; userId: string; bearerToken: string; runDir: string; first: boolean },
): Promise<StorageRun> {
  const startedAt = new Date()
  const loadAtStart = os.loadavg()
  const port = await freePort()
  const appUrl = `http://localhost:${port}`
  const appEnv: Record<string, string> = {
    ...profile.s3Env,
    DATABASE_URL: context.databaseUrl,
    APP_URL: appUrl,
    ...BENCH_APP_ENV,
  }
  const startEnv = { ...appEnv, ...BENCH_BUILD_ENV }
  const profileDir = option("cpu-prof")
  // V8 writes the app's .cpuprofile when it exits (open it in Chrome DevTools).
  const nodeArgs = [
    ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profileDir, profile.storage)}`] : []),
    // --node-flags="--no-memory-reducer …": an experiment on the runtime under both servers (the
    // app and the proxy), e.g. to show what V8's idle-time GC costs a transfer; never a default.
    ...(option("node-flags")?.split(" ").filter(Boolean) ?? []),
  ]
  // The bucket's CORS rule names this run's app origin (the browser-upload scenario needs it).
  const setup = await run(TSX, ["scripts/setup-bucket.ts"], { ...process.env, ...appEnv })
  if (setup.code !== 0) throw new Error(`bucket setup on ${profile.storage} failed`)
  say(`starting the app on ${appUrl} (${profile.storage})`)
  // Until startAppInstance answers (it waits for /api/health) only the command line names the
  // app's process: a Ctrl-C meanwhile stops it by that.
  let stopApp: () => Promise<void> = () =>
    killProcessGroupsOf([NEXT_BIN, "start", "-H", "127.0.0.1", "-p", port, ""].join("\0"))
  cleanups.push({ what: `the app (${profile.storage})`, stop: () => stopApp() })
  const app: AppInstance = await startAppInstance({
    env: startEnv,
    port,
    timeoutMs: 120_000,
    nodeArgs,
    distDir: BENCH_DIST_DIR,
  })
  stopApp = stopperOfApp(app)
  const proxy = await startProxyServer(appEnv, await freePort(), nodeArgs)
  say(`proxy baseline server on ${proxy.url}`)
  const workDir = path.join(context.runDir, `work-${profile.storage}`)
  await mkdir(workDir, { recursive: true })
  const target: BenchTarget = {
    storage: profile.storage,
    appUrl,
    appPid: app.pid,
    proxyUrl: proxy.url,
    proxyPid: proxy.pid,
    databaseUrl: context.databaseUrl,
    s3Env: profile.s3Env,
    bearerToken: context.bearerToken,
    userId: context.userId,
    workDir,
    growthRows: option("growth-rows") ? Number(option("growth-rows")) : undefined,
    probes: option("probes")?.split(","),
    profileWindowsFile: profileDir ? path.resolve(profileDir, profile.storage, `windows-${app.pid}.json`) : undefined,
    storageRoot: profile.storageRoot,
    carry: {},
  }
  const only = selectedScenarios()
  const sections: BenchSection[] = []
  for (const scenario of SCENARIOS.filter((entry) => !only || only.includes(entry.name))) {
    if (scenario.name === "growth" && !context.first) {
      sections.push({
        title: "6. Growth",
        figures: [],
        notes: [
          "Measured once, with the first storage server: neither a grant nor a share download calls storage (both only sign).",
        ],
      })
      continue
    }
    say(`${profile.storage}: ${scenario.name}`)
    const sectionStarted = Date.now()
    try {
      sections.push(await scenario.run(target))
    } catch (error) {
      // One broken scenario must not cost the others' figures; the table says what failed.
      console.error(error)
      sections.push({
        title: scenario.name,
        figures: [],
        notes: [`FAILED: ${error instanceof Error ? error.message : String(error)}`],
      })
    }
    say(`${profile.storage}: ${scenario.name} done in ${((Date.now() - sectionStarted) / 1000).toFixed(0)} s`)
  }
  await stopApp()
  await proxy.stop()
  // The app's own output (errors under load, the reaper) outlives the run, for a look afterwards.
  const appLog = path.join(tmpdir(), `valet-bench-${process.pid}-app-${profile.storage}.log`)
  await writeFile(appLog, app.logs())
  say(`app log: ${appLog}`)
  await rm(workDir, { recursive: true, force: true })
  return {
    storage: profile.storage,
    startedAt: startedAt.toISOString(),
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    load: { start: loadAtStart, end: os.loadavg() },
    quick: QUICK,
    sections,
  }
}

// --- smoke --------------------------------------------------------------------------------------

/**
 * `--smoke` (and `--smoke=fail`): the harness's start and stop without the build or the app, for
 * tests/system/bench-shutdown.test.ts. The services, the proxy baseline's server, a bench user, one
 * small file through the proxy and back (keep-alive sockets and the database pool stay open), the
 * proxy stopped as after a storage profile, then the normal shutdown, which stops it again.
 * `=fail` throws once all of it is up: the error path.
 */
async function smokeRun(options: {
  databaseUrl: string
  s3Env: Record<string, string>
  runDir: string
  fail: boolean
}): Promise<number> {
  const port = await freePort()
  const appEnv = {
    ...options.s3Env,
    DATABASE_URL: options.databaseUrl,
    APP_URL: `http://localhost:${port}`,
    ...BENCH_APP_ENV,
  }
  Object.assign(process.env, { DATABASE_URL: options.databaseUrl, AUTH_SECRET: randomBytes(32).toString("base64url") })
  const setup = await run(TSX, ["scripts/setup-bucket.ts"], { ...process.env, ...appEnv })
  if (setup.code !== 0) throw new Error("bucket setup failed")
  const proxy = await startProxyServer(appEnv, port, [])
  say(`proxy baseline server on ${proxy.url} (pid ${proxy.pid})`)
  const { bearerToken } = await createBenchUser()
  const client = new ValetClient(proxy.url, bearerToken, proxy.url)
  const source = await ensureRandomFile(options.runDir, MIB)
  const id = await client.proxyUpload({
    name: "smoke.bin",
    type: "application/octet-stream",
    file: { path: source, offset: 0, size: MIB },
  })
  const bytes = await client.proxyDownload(id)
  if (bytes !== MIB) throw new Error(`smoke: ${bytes} bytes came back, expected ${MIB}`)
  say("smoke: 1 MiB through the proxy baseline and back")
  if (options.fail) throw new Error("--smoke=fail: failing on purpose with everything up")
  await proxy.stop()
  return 0
}

/**
 * The table on stdout; `--markdown`: the README's summary table too (`--markdown=full`: every
 * figure as Markdown); `--write-readme`: that summary into README.md between its markers.
 */
async function printResults(results: ResultsFile) {
  const markdown = option("markdown") ?? (flag("markdown") ? "summary" : undefined)
  console.log(textTable(results))
  if (markdown === "full") console.log(`\n${markdownTable(results)}`)
  else if (markdown) console.log(`\n${readmeTable(results)}`)
  if (flag("write-readme")) {
    await writeReadmeTable(path.resolve("README.md"), readmeTable(results))
    say("wrote the summary table into README.md")
  }
}

// --- main ---------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const from = option("from")
  if (from) {
    const results = await readResults(from.split(","))
    await printResults(results)
    return 0
  }

  selectedScenarios()
  const runDir = await mkdtemp(path.join(tmpdir(), "valet-bench-"))
  // PostgreSQL runs as the `postgres` user when we are root; it must be able to enter this folder.
  await chmod(runDir, 0o755)
  cleanups.push({ what: "the run folder", stop: () => rm(runDir, { recursive: true, force: true }) })
  say(`run folder: ${runDir}`)
  const [pgPort, s3Port] = await Promise.all([freePort(), freePort()])
  // Each service its own cleanup step, so one that hangs while stopping cannot keep another up.
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(runDir, "pg"),
    credentialsFile: path.join(runDir, "pg-credentials.json"),
    port: pgPort,
  })
  cleanups.push({ what: "PostgreSQL", stop: postgres.stop })
  const s3 = await startEmbeddedS3({
    dataDir: path.join(runDir, "s3"),
    credentialsFile: path.join(runDir, "s3-credentials.json"),
    port: s3Port,
  })
  cleanups.push({ what: "the embedded S3 server", stop: s3.stop })
  const { databaseUrl } = postgres
  await prepareServices({ databaseUrl, corsOrigins: [], setUpBucket: false })
  say(`services up: postgres 127.0.0.1:${postgres.port}, s3 ${s3.endpoint}`)
  const embeddedS3Env = {
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: "true",
    S3_BUCKET: BENCH_BUCKET,
  }
  const smoke = option("smoke") ?? (flag("smoke") ? "pass" : undefined)
  if (smoke) return smokeRun({ databaseUrl, s3Env: embeddedS3Env, runDir, fail: smoke === "fail" })

  const profiles: Profile[] = flag("skip-embedded") ? [] : [{ storage: "embedded", s3Env: embeddedS3Env }]
  if (flag("ceph")) {
    const ceph = await startCeph(runDir)
    profiles.push(ceph)
    say(`Ceph RGW up at ${ceph.s3Env.S3_ENDPOINT}`)
  }
  if (flag("azurite")) {
    const azurite = await startAzurite(runDir)
    profiles.push(azurite)
    say(`Azurite up at ${azurite.s3Env.AZURE_BLOB_ENDPOINT}`)
  }
  await ensureBuild()

  // This process uses lib/ for the bench user; the app instances get the same secret.
  Object.assign(process.env, { DATABASE_URL: databaseUrl, AUTH_SECRET: randomBytes(32).toString("base64url") })
  const { userId, bearerToken } = await createBenchUser()
  const machine = await describeMachine()
  const results: ResultsFile = { machine, runs: [] }
  await mkdir(RESULTS_DIR, { recursive: true })
  for (const [index, profile] of profiles.entries()) {
    if (index > 0) await resetDatabase(userId)
    const storageRun = await runProfile(profile, { databaseUrl, userId, bearerToken, runDir, first: index === 0 })
    results.runs.push(storageRun)
    const file = path.join(RESULTS_DIR, `${storageRun.startedAt.replace(/[:.]/g, "-")}-${profile.storage}.json`)
    await writeFile(file, `${JSON.stringify({ machine, runs: [storageRun] }, null, 2)}\n`)
    say(`wrote ${path.relative(process.cwd(), file)}`)
  }
  await writeFile(path.join(RESULTS_DIR, "latest.json"), `${JSON.stringify(results, null, 2)}\n`)
  const { getDb } = await import("@/lib/db")
  await getDb().$disconnect()

  await printResults(results)
  const failed = results.runs.some((storageRun) =>
    storageRun.sections.some((section) => section.notes?.some((note) => note.startsWith("FAILED"))),
  )
  return failed ? 1 : 0
}

// embedded-postgres (async-exit-hook) answers these by stopping its servers and exiting within 10 s,
// which would cut this run's own cleanup short and orphan the app and the proxy (their own
// process groups). This process stops everything itself, PostgreSQL included.
for (const event of ["SIGINT", "SIGTERM", "SIGHUP", "uncaughtException", "unhandledRejection"] as const)
  process.removeAllListeners(event)
let signalled = false
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (signalled) {
      console.error(`[bench] ${signal} again: exiting without waiting for the cleanup`)
      process.exit(130)
    }
    signalled = true
    say(`${signal}: stopping everything this run started`)
    void cleanUp().then(() => process.exit(130))
  })
}
for (const event of ["uncaughtException", "unhandledRejection"] as const) {
  process.on(event, (error: unknown) => {
    console.error(`[bench] ${event}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    void cleanUp().then(() => process.exit(1))
  })
}

// Load stops by itself (every run has a duration or a count); this bounds everything else. Seeding
// 10^7 rows per table takes minutes on two idle cores, far more on a busy machine.
const WATCHDOG_MINUTES = 40 + (option("growth-rows") ? 60 : 0)
const watchdog = setTimeout(() => {
  console.error(`[bench] gave up after ${WATCHDOG_MINUTES} minutes`)
  void cleanUp().then(() => process.exit(1))
}, WATCHDOG_MINUTES * 60_000)

main()
  .then(
    (code) => code,
    (error: unknown) => {
      console.error(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
      return 1
    },
  )
  .then(async (code) => {
    clearTimeout(watchdog)
    await cleanUp()
    say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`)
    // Nothing this run started is left; open sockets of keep-alive agents, pools or autocannon
    // must not keep the process itself alive.
    process.exit(code)
  })
