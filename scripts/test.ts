/**
 * `npm test`: every test, against real services started here and stopped at the end.
 *
 * 1. a throwaway PostgreSQL and embedded S3 server on free loopback ports (data in a temp folder);
 * 2. a throwaway Ceph RADOS Gateway (mandatory in CI; skipped with one line elsewhere when the
 *    Debian packages are missing), and Azurite's blob service in this process (the Azure profile);
 * 3. a production build of the app (`next build`);
 * 4. Vitest: unit tests once, integration tests once per storage server;
 * 5. Vitest's cluster phase (tests/cluster), once per storage server, one file at a time: tests
 *    that start their own app instances from the build (faults, load, scale-out);
 * 6. the build started against the embedded services, and Playwright in Debian's Chromium.
 * Ends with the line `tests: N passed, N failed[, N skipped]`.
 *
 * Flags (not honoured in CI): --skip-ceph, --skip-azurite, --skip-e2e, --skip-cluster, and for a subset while
 * developing, --storage=<profile name>, --vitest=<filter> and --e2e=<filter> (each repeatable; passed to the runner as file
 * filters, e.g. `npm test -- --skip-ceph --skip-cluster --vitest=tests/integration/shares --e2e=shares`).
 */
import { spawn, type ChildProcess } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync, openSync } from "node:fs"
import { chmod, mkdir, mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { parseLauncherEnv } from "@/lib/env"
import { startEmbeddedAzurite } from "./services/embedded-azurite"
import { azuriteEnv, prepareServices, startLocalStack, type LocalStack } from "./services/local-stack"
import { readEnvFile } from "./services/env-file"
import { freePort } from "./services/ports"

type Counts = { passed: number; failed: number; skipped: number }
/** `cluster`: the tests/cluster files this profile runs (all when absent, none when false). */
type StorageProfile = { name: string; env: Record<string, string>; cluster?: boolean | string[] }

const launcher = parseLauncherEnv()
const isCI = launcher.CI
const skipCeph = !isCI && process.argv.includes("--skip-ceph")
const skipE2e = !isCI && process.argv.includes("--skip-e2e")
const skipCluster = !isCI && process.argv.includes("--skip-cluster")
const skipAzurite = !isCI && process.argv.includes("--skip-azurite")
const filterArgs = (flag: string) =>
  isCI ? [] : process.argv.filter((arg) => arg.startsWith(`${flag}=`)).map((arg) => arg.slice(flag.length + 1))
const vitestFilters = filterArgs("--vitest")
const storageFilters = filterArgs("--storage")
/** --e2e-storage=azurite: the e2e pass on that profile only (while developing). */
const e2eStorage = filterArgs("--e2e-storage")
const e2eFilters = filterArgs("--e2e")
const RESULTS_DIR = path.resolve("test-results")
const TEST_BUCKET = "valet-test"
const TSX = path.resolve("node_modules/.bin/tsx")
const started = Date.now()
// One session secret for this run: Vitest mints session cookies with it, the app decrypts them.
process.env.AUTH_SECRET = randomBytes(32).toString("base64url")
// The AWS SDK's Node-version warning would come once per test process, dozens of times per run, and
// every child inherits this; `npm run dev` is where an end-of-life Node gets named (one line).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true"

const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`
const say = (message: string) => console.log(`[test ${elapsed()}] ${message}`)

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { quiet?: boolean } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: options.quiet ? "ignore" : "inherit" })
    child.once("error", reject)
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  })
}

async function waitForHealthy(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const response = await fetch(url).catch(() => undefined)
    if (response?.ok) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000}s`)
}

const cleanups: (() => Promise<unknown>)[] = []
async function cleanUp() {
  // Taken at once: a signal can start a second clean-up while the first is still stopping services.
  const pending = cleanups.splice(0).reverse()
  for (const cleanup of pending) await cleanup().catch((error: unknown) => console.error(error))
}

async function startCeph(runDir: string): Promise<StorageProfile | undefined> {
  if (skipCeph) {
    say("Ceph RGW profile skipped (--skip-ceph)")
    return undefined
  }
  const cephDir = path.join(runDir, "ceph")
  const [rgwPort, monPort] = await Promise.all([freePort(), freePort()])
  const env = { ...process.env, CEPH_RGW_PORT: String(rgwPort), CEPH_MON_PORT: String(monPort) }
  const code = await run("bash", ["scripts/ceph/up.sh", cephDir], env)
  if (code === 3 && !isCI) {
    say(
      "Ceph RGW profile skipped: Ceph is not installed (apt-get install ceph-mon ceph-osd radosgw ceph-common to enable it)",
    )
    return undefined
  }
  cleanups.push(() => run("bash", ["scripts/ceph/down.sh", cephDir], process.env))
  if (code !== 0) throw new Error(`Ceph RGW did not start (exit ${code})`)
  return { name: "ceph", env: { ...(await readEnvFile(path.join(cephDir, "s3.env"))), S3_BUCKET: TEST_BUCKET } }
}

/**
 * The cluster files whose outcome depends on the storage protocol: keys minted by one instance
 * and completed, downloaded or revoked through another; storage cut away from one instance; a
 * multipart upload resumed on another instance after a crash. The rest of the phase (load,
 * webhooks, socket addresses, body caps, a PostgreSQL restart) is the same app code on any storage
 * and runs on the S3 profiles only, which keeps Azurite's share of the phase near a minute.
 */
const AZURITE_CLUSTER_FILES = [
  "tests/cluster/instances.test.ts",
  "tests/cluster/faults.test.ts",
  "tests/cluster/cli.test.ts",
]

/**
 * Azurite's blob service in this process, in memory (nothing on disk, ~0.1 s to start once
 * required, ~2 s to require): the Azure profile, SAS tokens checked as Azure checks them except
 * where docs/azure.md says Azurite differs (IP ranges, stored-policy limits).
 */
async function startAzurite(): Promise<StorageProfile | undefined> {
  if (skipAzurite) {
    say("Azurite profile skipped (--skip-azurite)")
    return undefined
  }
  const azurite = await startEmbeddedAzurite({ port: await freePort() })
  cleanups.push(() => azurite.stop())
  return {
    name: "azurite",
    env: { ...azuriteEnv(azurite), AZURE_STORAGE_CONTAINER: TEST_BUCKET },
    cluster: AZURITE_CLUSTER_FILES,
  }
}

async function runVitest(env: NodeJS.ProcessEnv, phase: "main" | "cluster" = "main"): Promise<Counts> {
  const report = path.join(RESULTS_DIR, phase === "main" ? "vitest.json" : `vitest-${phase}.json`)
  await rm(report, { force: true })
  const vitest = path.resolve("node_modules/vitest/vitest.mjs")
  // The cluster phase runs one file at a time: each starts app instances and puts load on them.
  const phaseArgs = phase === "cluster" ? ["--no-file-parallelism"] : []
  await run(
    process.execPath,
    [
      vitest,
      "run",
      ...phaseArgs,
      ...(vitestFilters.length > 0 ? [...vitestFilters, "--passWithNoTests"] : []),
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${report}`,
    ],
    { ...env, VALET_TEST_PHASE: phase },
  )
  if (!existsSync(report)) throw new Error("Vitest wrote no report (it crashed before running tests)")
  const json = JSON.parse(await readFile(report, "utf8")) as {
    numPassedTests: number
    numFailedTests: number
    numPendingTests: number
    numTodoTests: number
    testResults: { status: string; assertionResults: { status: string }[] }[]
  }
  // A file can fail outside any test: it does not load (syntax error, throwing import), or a
  // beforeAll/afterAll hook throws, which Vitest reports as skipped tests. Count each such file as
  // a failure, or a broken setup would read as "0 failed".
  const filesFailedOutsideTests = json.testResults.filter(
    (file) => file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed"),
  ).length
  return {
    passed: json.numPassedTests,
    failed: json.numFailedTests + filesFailedOutsideTests,
    skipped: json.numPendingTests + json.numTodoTests,
  }
}

const NEXT_BIN = path.resolve("node_modules/next/dist/bin/next")
/** The browser flows whose storage protocol differs on Azure: Put Blob, Put Block, snapshot downloads. */
const AZURE_E2E_SPECS = ["uploads.spec", "uploads-resume.spec", "shares.spec", "upload-requests.spec"]

async function buildApp() {
  say("building the app (next build)")
  const buildEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }
  if ((await run(process.execPath, [NEXT_BIN, "build"], buildEnv)) !== 0) throw new Error("next build failed")
}

/**
 * Playwright against the build started on one storage profile. `specs`: file filters for a pass
 * that runs only some specs (the Azure pass: the upload, share and recipient flows).
 */
async function runE2e(
  stackEnv: Record<string, string>,
  embeddedProfile: StorageProfile,
  specs: string[] = e2eFilters,
): Promise<Counts> {
  const suffix = embeddedProfile.name === "embedded" ? "" : `-${embeddedProfile.name}`
  const nextBin = NEXT_BIN
  const port = await freePort()
  const appUrl = `http://localhost:${port}`
  const appEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...stackEnv,
    ...embeddedProfile.env,
    APP_URL: appUrl,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    // The specs play the one proxy in front of the app: each test sends its own X-Forwarded-For
    // (e2e/support/fixtures.ts), so per-IP limits never couple tests. The default (0, the socket's
    // address) is tested against its own instance in tests/cluster/edges.test.ts.
    TRUSTED_PROXY_COUNT: "1",
    // The notifications spec's webhook receiver listens on loopback.
    WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
  }
  // The embedded bucket's CORS rule must name this run's app origin.
  if ((await run(TSX, ["scripts/setup-bucket.ts"], appEnv)) !== 0) throw new Error("bucket setup for e2e failed")
  const serverLog = path.join(RESULTS_DIR, `app-server${suffix}.log`)
  const logFd = openSync(serverLog, "w")
  const app: ChildProcess = spawn(process.execPath, [nextBin, "start", "-H", "127.0.0.1", "-p", String(port)], {
    env: appEnv,
    stdio: ["ignore", logFd, logFd],
    detached: true,
  })
  cleanups.push(async () => {
    if (app.pid && app.exitCode === null) {
      const exited = new Promise((resolve) => app.once("exit", resolve))
      process.kill(-app.pid, "SIGTERM")
      await exited
    }
  })
  await waitForHealthy(`${appUrl}/api/health`, 60_000)
  say(`app running at ${appUrl} (log: ${path.relative(process.cwd(), serverLog)})`)

  const report = path.join(RESULTS_DIR, `e2e${suffix}.json`)
  await rm(report, { force: true })
  const playwright = path.resolve("node_modules/@playwright/test/cli.js")
  await run(process.execPath, [playwright, "test", ...specs], {
    ...process.env,
    E2E_BASE_URL: appUrl,
    E2E_JSON_REPORT: report,
    // The secrets check after the specs reads it (e2e/secrets.teardown.ts).
    E2E_SERVER_LOG: serverLog,
    // Specs may reach into the database the app uses, e.g. to disable an account mid-test.
    E2E_DATABASE_URL: stackEnv.DATABASE_URL,
    // Specs read the mail the app sent (reset links, codes) from the catcher's folder.
    E2E_MAIL_DIR: stackEnv.VALET_TEST_MAIL_DIR,
    E2E_STORAGE_BACKEND: embeddedProfile.env.STORAGE_BACKEND ?? "s3",
  })
  if (!existsSync(report)) throw new Error("Playwright wrote no report")
  const json = JSON.parse(await readFile(report, "utf8")) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number }
    errors?: unknown[]
  }
  const { expected, unexpected, flaky, skipped } = json.stats
  return { passed: expected + flaky, failed: unexpected + (json.errors?.length ?? 0), skipped }
}

async function main(): Promise<number> {
  await mkdir(RESULTS_DIR, { recursive: true })
  const runDir = await mkdtemp(path.join(tmpdir(), "valet-test-"))
  // PostgreSQL runs as the `postgres` user when we are root; it must be able to enter this folder.
  await chmod(runDir, 0o755)
  cleanups.push(() => rm(runDir, { recursive: true, force: true }))

  const [pgPort, s3Port, mailPort] = await Promise.all([freePort(), freePort(), freePort()])
  const stack: LocalStack = await startLocalStack({
    dataDir: runDir,
    pgPort,
    s3Port,
    startPostgres: true,
    startS3: true,
    // Tests read what arrived from the folder (tests/support/mail.ts); the console stays quiet.
    mailPort,
    onMail: () => undefined,
  })
  cleanups.push(() => stack.stop())
  say(`embedded services up: ${stack.summary.map((line) => line.split("  (")[0]?.replace(/\s+/g, " ")).join(", ")}`)
  const databaseUrl = stack.env.DATABASE_URL ?? ""
  const mailEnv = { SMTP_URL: stack.env.SMTP_URL ?? "", VALET_TEST_MAIL_DIR: path.join(runDir, "mail") }
  await prepareServices({ databaseUrl, corsOrigins: [], setUpBucket: false })

  const embedded: StorageProfile = {
    name: "embedded",
    env: Object.fromEntries(
      Object.entries(stack.env)
        .filter(([name]) => name.startsWith("S3_"))
        .concat([["S3_BUCKET", TEST_BUCKET]]),
    ),
  }
  const ceph = await startCeph(runDir)
  if (ceph) say(`Ceph RGW up at ${ceph.env.S3_ENDPOINT}`)
  const azurite = await startAzurite()
  if (azurite) say(`Azurite up at ${azurite.env.AZURE_BLOB_ENDPOINT}`)
  const profiles = [embedded, ...(ceph ? [ceph] : []), ...(azurite ? [azurite] : [])].filter(
    (profile) => storageFilters.length === 0 || storageFilters.includes(profile.name),
  )
  for (const profile of profiles) {
    const env = { ...process.env, ...profile.env, DATABASE_URL: databaseUrl, APP_URL: "http://localhost:3000" }
    if ((await run(TSX, ["scripts/setup-bucket.ts"], env)) !== 0)
      throw new Error(`bucket setup on ${profile.name} failed`)
  }

  const totals: Counts = { passed: 0, failed: 0, skipped: 0 }
  const add = (counts: Counts) => {
    totals.passed += counts.passed
    totals.failed += counts.failed
    totals.skipped += counts.skipped
  }
  // Built first: the cluster phase and e2e both start the production build.
  if (!(skipCluster && skipE2e)) await buildApp()
  const vitestEnv = {
    ...process.env,
    VALET_TEST_DATABASE_URL: databaseUrl,
    VALET_TEST_STORAGE_PROFILES: JSON.stringify(profiles),
    VALET_TEST_APP_ORIGIN: "http://localhost:3000",
    ...mailEnv,
  }
  const storageNames = profiles.map((profile) => profile.name).join(" and ")
  say(`vitest: unit + integration on ${storageNames}`)
  add(await runVitest(vitestEnv))
  if (skipCluster) say("cluster tests skipped (--skip-cluster)")
  else {
    say(`vitest: cluster tests (app instances from the build) on ${storageNames}`)
    add(await runVitest(vitestEnv, "cluster"))
  }
  if (skipE2e) say("e2e skipped (--skip-e2e)")
  else {
    if (e2eStorage.length === 0 || e2eStorage.includes("embedded"))
      add(await runE2e({ DATABASE_URL: databaseUrl, ...mailEnv }, embedded))
    const azureProfile = profiles.find((profile) => profile.name === "azurite")
    if (azureProfile) {
      say("e2e on azurite: uploads (single, parts, resume), shares and upload requests through Uppy in Chromium")
      add(
        await runE2e(
          { DATABASE_URL: databaseUrl, ...mailEnv },
          azureProfile,
          e2eFilters.length ? e2eFilters : AZURE_E2E_SPECS,
        ),
      )
    }
  }

  console.log(
    `\ntests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`,
  )
  return totals.failed > 0 ? 1 : 0
}

process.removeAllListeners("SIGINT")
process.removeAllListeners("SIGTERM")
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    say(`${signal}: stopping services`)
    void cleanUp().then(() => process.exit(130))
  })
}

// A run must never hang CI: everything here is bounded.
const watchdog = setTimeout(() => {
  console.error("[test] gave up after 40 minutes")
  void cleanUp().then(() => process.exit(1))
}, 40 * 60_000)

main()
  .then(
    (code) => code,
    (error: unknown) => {
      console.error(`[test] ${error instanceof Error ? error.message : String(error)}`)
      console.log("\ntests: 0 passed, 1 failed")
      return 1
    },
  )
  .then(async (code) => {
    clearTimeout(watchdog)
    await cleanUp()
    say("done")
    process.exit(code)
  })
