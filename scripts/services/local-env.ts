/**
 * Operator commands (`npm run reap`, `npm run reconcile`) run beside `npm run dev` / `npm start`:
 * when DATABASE_URL, S3_* (or, with STORAGE_BACKEND=azure, AZURE_*) or AUTH_SECRET are not set (nor
 * in .env), they are filled in from what the launcher keeps under VALET_DATA_DIR, so the commands
 * reach the embedded PostgreSQL and S3 server or Azurite the launcher started. Anything set
 * explicitly wins; with external services nothing is read.
 */
import { existsSync, readFileSync } from "node:fs"
import path from "node:path"
import { parseLauncherEnv } from "@/lib/env"

function readJson(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>
}

export function applyLocalStackDefaults(): void {
  if (existsSync(".env")) process.loadEnvFile(".env")
  const launcher = parseLauncherEnv()
  const dataDir = path.resolve(launcher.VALET_DATA_DIR)

  const pg = launcher.DATABASE_URL ? undefined : readJson(path.join(dataDir, "pg-credentials.json"))
  if (pg && typeof pg.user === "string" && typeof pg.password === "string") {
    process.env.DATABASE_URL = `postgresql://${encodeURIComponent(pg.user)}:${encodeURIComponent(pg.password)}@127.0.0.1:${launcher.VALET_PG_PORT}/valet`
  }
  const s3 = launcher.S3_ENDPOINT ? undefined : readJson(path.join(dataDir, "s3-credentials.json"))
  if (s3 && typeof s3.accessKeyId === "string" && typeof s3.secretAccessKey === "string") {
    process.env.S3_ENDPOINT = `http://127.0.0.1:${launcher.VALET_S3_PORT}`
    process.env.S3_ACCESS_KEY_ID = s3.accessKeyId
    process.env.S3_SECRET_ACCESS_KEY = s3.secretAccessKey
    process.env.S3_FORCE_PATH_STYLE = "true"
  }
  // The launcher runs Azurite exactly when Azure has no endpoint of its own (scripts/dev.ts).
  const azurite =
    launcher.STORAGE_BACKEND === "azure" && !launcher.AZURE_BLOB_ENDPOINT
      ? readJson(path.join(dataDir, "azurite-credentials.json"))
      : undefined
  if (azurite && typeof azurite.account === "string" && typeof azurite.key === "string") {
    process.env.AZURE_STORAGE_ACCOUNT = azurite.account
    process.env.AZURE_STORAGE_KEY = azurite.key
    process.env.AZURE_BLOB_ENDPOINT = `http://127.0.0.1:${launcher.VALET_AZURITE_PORT}/${azurite.account}`
    process.env.AZURE_SAS_ALLOW_HTTP = "true"
  }
  const authSecretFile = path.join(dataDir, "auth-secret")
  // Not used by these commands, but the app's environment requires it.
  if (!process.env.AUTH_SECRET && existsSync(authSecretFile))
    process.env.AUTH_SECRET = readFileSync(authSecretFile, "utf8").trim()
}
