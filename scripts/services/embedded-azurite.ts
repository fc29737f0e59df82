/**
 * Azurite's blob service in this process, for `STORAGE_BACKEND=azure npm run dev` and the tests'
 * `azurite` profile. Loopback only, a random account key per data folder (never Azurite's
 * published devstoreaccount1 key), telemetry off: started in-process, Azurite never initialises
 * its telemetry client (only its CLI does), and the flag below keeps it off should that change.
 * Pinned with @azure/storage-blob as a pair (3.37.0 ↔ 12.33.0, API 2026-06-06): other pairs fail
 * every call with 400 InvalidHeaderValue.
 */
import { randomBytes } from "node:crypto"
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import path from "node:path"

export type EmbeddedAzurite = { endpoint: string; account: string; key: string; stop(): Promise<void> }

// The slice of Azurite this file uses (its deep modules ship no TypeScript types).
type BlobServerInstance = { start(): Promise<void>; close(): Promise<void>; getHttpServerAddress(): string }
type BlobServerClass = new (configuration: unknown) => BlobServerInstance
type BlobConfigurationClass = new (...args: unknown[]) => unknown
type TelemetryClient = { enableTelemetry: boolean }

const require = createRequire(import.meta.url)
const ACCOUNT = "valetdev"

async function loadOrCreateKey(file: string): Promise<string> {
  const existing = await readFile(file, "utf8").catch(() => undefined)
  if (existing) {
    const parsed: unknown = JSON.parse(existing)
    if (typeof parsed === "object" && parsed !== null && "key" in parsed && typeof parsed.key === "string")
      return parsed.key
  }
  const key = randomBytes(64).toString("base64")
  await writeFile(file, JSON.stringify({ account: ACCOUNT, key }))
  await chmod(file, 0o600)
  return key
}

export async function startEmbeddedAzurite(options: {
  dataDir?: string
  credentialsFile?: string
  port: number
}): Promise<EmbeddedAzurite> {
  // Required here, not at the top: loading Azurite costs ~2 s, paid only when it is used.
  const BlobServer = (require("azurite/dist/src/blob/BlobServer") as { default: BlobServerClass }).default
  const BlobConfiguration = (require("azurite/dist/src/blob/BlobConfiguration") as { default: BlobConfigurationClass })
    .default
  const telemetry = (require("azurite/dist/src/common/Telemetry") as { AzuriteTelemetryClient: TelemetryClient })
    .AzuriteTelemetryClient
  telemetry.enableTelemetry = false

  const inMemory = !options.dataDir
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true })
  const key = options.credentialsFile
    ? await loadOrCreateKey(options.credentialsFile)
    : randomBytes(64).toString("base64")
  // Azurite reads its accounts from here at start (and again every minute).
  process.env.AZURITE_ACCOUNTS = `${ACCOUNT}:${key}`
  const dir = options.dataDir ?? ""
  const configuration = new BlobConfiguration(
    "127.0.0.1",
    options.port,
    5,
    path.join(dir, "__azurite_db_blob__.json"),
    path.join(dir, "__azurite_db_blob_extent__.json"),
    [{ locationId: "Default", locationPath: path.join(dir, "__blobstorage__"), maxConcurrency: 10 }],
    false, // access log
    undefined,
    false, // debug log
    undefined,
    false, // loose: off, so Azurite refuses what Azure would
    false, // skipApiVersionCheck: off, a mismatched SDK fails loudly
    "",
    "",
    "",
    undefined,
    false,
    inMemory,
  )
  const server = new BlobServer(configuration)
  await server.start()
  return {
    endpoint: `http://127.0.0.1:${options.port}/${ACCOUNT}`,
    account: ACCOUNT,
    key,
    stop: () => server.close(),
  }
}
