/**
 * The services Valet needs, started on loopback for development and tests: a real PostgreSQL
 * (migrated) and an S3 server (bucket + CORS ready). Either is skipped when an external one is
 * configured; the result is the environment the app runs with.
 */
import path from "node:path"
import { applyMigrations } from "../migrate"
import { startEmbeddedAzurite } from "./embedded-azurite"
import { startEmbeddedPostgres } from "./embedded-postgres"
import { startEmbeddedS3 } from "./embedded-s3"
import { describeMail, startMailCatcher, type CaughtMail } from "./mail-catcher"

export type LocalStack = {
  /** Variables to add to the app's environment. */
  env: Record<string, string>
  /** One line per service, for the launcher's banner. */
  summary: string[]
  stop(): Promise<void>
}

export async function startLocalStack(options: {
  dataDir: string
  pgPort: number
  s3Port: number
  startPostgres: boolean
  startS3: boolean
  /** An embedded Azurite blob service (STORAGE_BACKEND=azure without AZURE_BLOB_ENDPOINT). */
  azurite?: { port: number }
  onPostgresLog?: (line: string) => void
  /** A local SMTP catcher on this port (mail kept under <dataDir>/mail), when SMTP_URL is unset. */
  mailPort?: number
  /** Called for each caught message; by default its subject and links go to the console. */
  onMail?: (mail: CaughtMail) => void
}): Promise<LocalStack> {
  const dataDir = path.resolve(options.dataDir)
  const env: Record<string, string> = {}
  const summary: string[] = []
  const stops: (() => Promise<void>)[] = []
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne().catch(() => undefined)
  }
  try {
    if (options.startPostgres) {
      const postgres = await startEmbeddedPostgres({
        dataDir: path.join(dataDir, "pg"),
        credentialsFile: path.join(dataDir, "pg-credentials.json"),
        port: options.pgPort,
        onLog: options.onPostgresLog,
      })
      stops.push(postgres.stop)
      env.DATABASE_URL = postgres.databaseUrl
      summary.push(`postgres  127.0.0.1:${postgres.port}  (embedded PostgreSQL, data in ${path.join(dataDir, "pg")})`)
    }
    if (options.startS3) {
      const s3 = await startEmbeddedS3({
        dataDir: path.join(dataDir, "s3"),
        credentialsFile: path.join(dataDir, "s3-credentials.json"),
        port: options.s3Port,
      })
      stops.push(s3.stop)
      Object.assign(env, {
        S3_ENDPOINT: s3.endpoint,
        S3_REGION: s3.region,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        S3_FORCE_PATH_STYLE: "true",
      })
      summary.push(`s3        ${s3.endpoint}  (embedded s3rver, data in ${path.join(dataDir, "s3")})`)
    }
    if (options.mailPort !== undefined) {
      const mail = await startMailCatcher({
        dir: path.join(dataDir, "mail"),
        port: options.mailPort,
        onMail: options.onMail ?? ((message) => console.log(describeMail(message))),
      })
      stops.push(mail.stop)
      env.SMTP_URL = mail.url
      summary.push(`mail      ${mail.url}  (mail catcher, messages in ${mail.dir})`)
    }
    if (options.azurite) {
      const azurite = await startEmbeddedAzurite({
        dataDir: path.join(dataDir, "azurite"),
        credentialsFile: path.join(dataDir, "azurite-credentials.json"),
        port: options.azurite.port,
      })
      stops.push(azurite.stop)
      Object.assign(env, azuriteEnv(azurite))
      summary.push(
        `azurite   ${azurite.endpoint}  (embedded Azurite blob service, data in ${path.join(dataDir, "azurite")})`,
      )
    }
    return { env, summary, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** Brings the database schema and the bucket to what this version of the app expects. */
export async function prepareServices(options: { databaseUrl: string; corsOrigins: string[]; setUpBucket: boolean }) {
  const applied = await applyMigrations(options.databaseUrl)
  if (options.setUpBucket) {
    // Imported late: lib/storage reads the environment on first use, which the caller has just set.
    const { ensureBucket } = await import("@/lib/storage")
    await ensureBucket({ corsOrigins: options.corsOrigins })
  }
  return { applied }
}

/** The app's settings for an Azurite instance: http, so its SAS tokens must allow http too. */
export function azuriteEnv(azurite: { endpoint: string; account: string; key: string }): Record<string, string> {
  return {
    STORAGE_BACKEND: "azure",
    AZURE_STORAGE_ACCOUNT: azurite.account,
    AZURE_STORAGE_KEY: azurite.key,
    AZURE_BLOB_ENDPOINT: azurite.endpoint,
    AZURE_SAS_ALLOW_HTTP: "true",
  }
}
