import { z } from "zod"
import { GIB, MIB, S3_MAX_OBJECT_SIZE, S3_MAX_PART_SIZE, S3_MIN_PART_SIZE } from "@/lib/shared/upload-layout"

/** S3 refuses presigned URLs that live longer than 7 days (SigV4's own limit). */
export const MAX_PRESIGN_TTL_SECONDS = 7 * 24 * 60 * 60

const ttlSeconds = (fallback: number) => z.coerce.number().int().min(1).max(MAX_PRESIGN_TTL_SECONDS).default(fallback)

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional()

const booleanFlag = (fallback: boolean) => z.stringbool().default(fallback)

const bytes = (fallback: number, min = 1, max = S3_MAX_OBJECT_SIZE) =>
  z.coerce.number().int().min(min).max(max).default(fallback)

const emailList = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((email) => email.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.email({ error: "must be a comma-separated list of email addresses" })))

export const serverEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** The origin browsers use; share links, Origin checks and the bucket's CORS rule derive from it. */
  APP_URL: z.url({ protocol: /^https?$/ }).default("http://localhost:3000"),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" }),
  /** Unset means AWS S3 itself; set it for R2, MinIO, Ceph RGW or the embedded server. */
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * The host is part of a presigned URL's signature, so URLs must be signed for the endpoint the
   * browser reaches — which differs from S3_ENDPOINT when the app talks to storage privately.
   */
  S3_PUBLIC_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name")
    .default("valet"),
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_FORCE_PATH_STYLE: booleanFlag(true),
  /** Which cloud holds the objects: any S3 API (S3_*), or Azure Blob Storage (AZURE_*). */
  STORAGE_BACKEND: z.enum(["s3", "azure"]).default("s3"),
  AZURE_STORAGE_ACCOUNT: z
    .string()
    .regex(/^[a-z0-9]{3,24}$/, "must be an Azure storage account name (3-24 lowercase letters and digits)")
    .optional(),
  /** The account's shared key (base64); it signs every SAS, so rotating it voids all of them at once. */
  AZURE_STORAGE_KEY: optionalString,
  AZURE_STORAGE_CONTAINER: z
    .string()
    .regex(/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, "must be a valid Azure container name (3-63 characters)")
    .default("valet"),
  /** Unset means `https://<account>.blob.core.windows.net`; Azurite is `http://127.0.0.1:<port>/<account>`. */
  AZURE_BLOB_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** The endpoint browsers reach, when the app talks to the blob service privately. */
  AZURE_BLOB_PUBLIC_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * SAS tokens are minted `spr=https`: storage refuses them over plain HTTP. Azurite speaks HTTP,
   * so local development and tests turn this on; production never should.
   */
  AZURE_SAS_ALLOW_HTTP: booleanFlag(false),
  UPLOAD_URL_TTL_SECONDS: ttlSeconds(15 * 60),
  PART_URL_TTL_SECONDS: ttlSeconds(15 * 60),
  DOWNLOAD_URL_TTL_SECONDS: ttlSeconds(60),
  /**
   * Lifetime of an inline preview key on a share page. A video or audio player sends a Range
   * request for every seek and buffer refill against the same URL, so the key must outlive a few
   * minutes of watching; the page asks for a fresh key when one expires mid-play. It also bounds
   * how long a revoked link's already-minted preview keeps working, hence minutes, not hours.
   */
  PREVIEW_URL_TTL_SECONDS: ttlSeconds(10 * 60),
  /**
   * Lifetime of the storage self-test's probe keys (Admin → Storage, `npm run doctor`): long
   * enough for a slow page to PUT, GET and DELETE its probe; the server deletes the probe object
   * once they are dead. Capped well below the 10 minutes after which a leftover probe is swept.
   */
  STORAGE_CHECK_PROBE_TTL_SECONDS: z.coerce.number().int().min(1).max(300).default(60),
  /** Lifetime of a share link created without an explicit expiry. */
  SHARE_DEFAULT_EXPIRY_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(10 * 365 * 24 * 60 * 60)
    .default(7 * 24 * 60 * 60),
  /**
   * Longest lifetime a share link may be given; unset allows links that never expire. Each
   * download still mints its own short key, so this bounds the link, not a URL.
   */
  SHARE_MAX_EXPIRY_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(10 * 365 * 24 * 60 * 60)
    .optional(),
  /** Largest file one upload may declare. */
  MAX_FILE_SIZE_BYTES: bytes(5 * GIB),
  /** Default storage allowance per user, counting files and uploads still in flight. */
  USER_QUOTA_BYTES: bytes(10 * GIB, 0),
  /** Files above this size are uploaded in parts (parallel, resumable); smaller ones in one PUT. */
  MULTIPART_THRESHOLD_BYTES: bytes(32 * MIB, S3_MIN_PART_SIZE, S3_MAX_PART_SIZE),
  /** Preferred part size; grown for huge files so no upload needs more than 10,000 parts. */
  MULTIPART_PART_SIZE_BYTES: bytes(8 * MIB, S3_MIN_PART_SIZE, S3_MAX_PART_SIZE),
  /** How long a multipart upload stays open (its part URLs can be re-signed until then). */
  MULTIPART_UPLOAD_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(MAX_PRESIGN_TTL_SECONDS)
    .default(24 * 60 * 60),
  /**
   * Upload grants one user may start per window (UPLOAD_GRANT_RATE_WINDOW_SECONDS): generous for
   * a drag of many files, a wall for a runaway script. `npm run bench` raises it so that the key
   * minting figures measure minting, not 429s.
   */
  UPLOAD_GRANT_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000_000).default(300),
  UPLOAD_GRANT_RATE_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(86_400)
    .default(10 * 60),
  /** How often each app instance reaps expired uploads; 0 leaves it to `npm run reap` (cron). */
  REAPER_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  /**
   * How long after an upload's last key expired the reaper waits before deleting what the key may
   * have written: storage checks a presigned URL when a PUT starts, so a body that began streaming
   * just before the expiry can still land after it.
   */
  UPLOAD_SWEEP_GRACE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400)
    .default(15 * 60),
  /** Encrypts session cookies (JWE). `npm run dev` generates one under VALET_DATA_DIR. */
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)"),
  /** `closed` turns self-registration off; admins can still create accounts. */
  REGISTRATION: z.enum(["open", "closed"]).default("open"),
  /** Accounts with these emails are admins (besides the first account ever created). */
  ADMIN_EMAILS: emailList,
  /**
   * Reverse proxies in front of the app that append to X-Forwarded-For. 0 (nothing in front, the
   * embedded setup): per-IP limits use the socket's address, and X-Forwarded-For is ignored,
   * because Next.js passes on whatever a client sent in it. N >= 1: the client address is the
   * entry N places from the right.
   */
  TRUSTED_PROXY_COUNT: z.coerce.number().int().min(0).max(10).default(0),
  /**
   * Node's own setting, read here only: the libuv thread pool's size, which runs every password
   * hash (and DNS lookups, file reads). At most this minus one hashes run at once (lib/passwords.ts).
   */
  UV_THREADPOOL_SIZE: z.coerce.number().int().min(1).max(1024).default(4),
  /** An OpenID Connect provider (Keycloak, Authentik, Google, Entra ID…), off unless all three are set. */
  OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  OIDC_DISPLAY_NAME: z.string().trim().min(1).default("single sign-on"),
  /**
   * Where mail goes: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`. Unset:
   * `npm run dev` and `npm test` start a local catcher; in production features that need mail
   * answer 503 `mail_unavailable`.
   */
  SMTP_URL: optionalString.pipe(
    z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
  ),
  /** The From of every mail Valet sends. */
  MAIL_FROM: z.string().trim().min(3).default("Valet <valet@localhost>"),
  /** How often each app instance delivers due outbox messages (mail, …); 0 turns the worker off. */
  OUTBOX_INTERVAL_SECONDS: z.coerce.number().min(0).max(3600).default(2),
  /**
   * Hosts webhooks may reach although they resolve to loopback or private addresses (comma-separated
   * names, lower-cased), e.g. a chat bridge on the same network. Everything else internal is refused.
   */
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    ),
  /** How long a webhook delivery is retried (and a webhook may fail before it is paused). */
  WEBHOOK_RETRY_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .default(86_400),
  /** First retry delay; doubles per attempt up to an hour. Tests shorten it. */
  WEBHOOK_BACKOFF_BASE_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
  /** A claimed delivery is invisible to other instances this long (more than the send timeout). */
  WEBHOOK_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  /** Whole-request limit of one delivery attempt. */
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(60).default(10),
  /** At most one "your link was downloaded" mail per link per this many seconds. */
  DOWNLOAD_MAIL_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /** Recipients one user may mail links to per day. */
  SHARE_EMAIL_DAILY_LIMIT: z.coerce.number().int().min(1).max(100_000).default(100),
  /**
   * Turns on GET /metrics (Prometheus text) for scrapers sending `Authorization: Bearer <this>`;
   * unset, the route answers 404. At least 16 characters (openssl rand -hex 24).
   */
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
})

export type ServerEnv = z.infer<typeof serverEnvSchema>

export class EnvError extends Error {
  override name = "EnvError"
}

/** Variables whose whole value is a secret: an error says they are set, never what they hold. */
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|PRIVATE|(^|_)KEY(_ID)?$/

/**
 * A value as a startup error may show it. Startup errors land in terminals, CI logs and crash
 * reporters, so a secret variable shows only its length, and every URL loses its userinfo
 * (`postgres://user:password@…`) and its query, also when the URL is malformed (that is when it
 * is shown at all).
 */
export function describeEnvValue(name: string, value: string | undefined): string {
  if (value === undefined) return "unset"
  if (SECRET_NAME.test(name)) return `set, ${value.length} characters, not shown`
  const redacted = value
    // Up to the last "@": a password may hold an unencoded "/" or "@" when the URL is malformed.
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)(.*@)/is, "$1[redacted]@")
    .replace(/\?.*$/s, (query) => (value.includes("://") ? "?[redacted]" : query))
  return `got ${JSON.stringify(redacted.length > 60 ? `${redacted.slice(0, 60)}…` : redacted)}`
}

/** Parses an environment against a schema; the error names every bad variable on one line. */
function parseEnv<T extends z.ZodType>(schema: T, source: Record<string, string | undefined>): z.infer<T> {
  const result = schema.safeParse(source)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".")
    return `${name} ${issue.message.replace(/^Invalid input: /, "")} (${describeEnvValue(name, source[name])})`
  })
  throw new EnvError(`Invalid environment: ${problems.join("; ")}`)
}

export function parseServerEnv(source: Record<string, string | undefined>): ServerEnv {
  const parsed = parseEnv(serverEnvSchema, source)
  if (Boolean(parsed.S3_ACCESS_KEY_ID) !== Boolean(parsed.S3_SECRET_ACCESS_KEY)) {
    throw new EnvError("Invalid environment: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together")
  }
  if (parsed.STORAGE_BACKEND === "azure") {
    if (!parsed.AZURE_STORAGE_ACCOUNT || !parsed.AZURE_STORAGE_KEY) {
      throw new EnvError("Invalid environment: STORAGE_BACKEND=azure needs AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY")
    }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(parsed.AZURE_STORAGE_KEY)) {
      throw new EnvError("Invalid environment: AZURE_STORAGE_KEY must be the account key as base64")
    }
    const publicEndpoint = parsed.AZURE_BLOB_PUBLIC_ENDPOINT ?? parsed.AZURE_BLOB_ENDPOINT
    if (publicEndpoint?.startsWith("http:") && !parsed.AZURE_SAS_ALLOW_HTTP) {
      throw new EnvError(
        "Invalid environment: the blob endpoint browsers use is http://, but SAS tokens are HTTPS-only; " +
          "set AZURE_SAS_ALLOW_HTTP=true for Azurite (never in production)",
      )
    }
  }
  const oidcSettings = [parsed.OIDC_ISSUER, parsed.OIDC_CLIENT_ID, parsed.OIDC_CLIENT_SECRET]
  if (oidcSettings.some(Boolean) && !oidcSettings.every(Boolean)) {
    throw new EnvError("Invalid environment: OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together")
  }
  return parsed
}

let cachedEnv: ServerEnv | undefined

/**
 * The validated environment, parsed on first use rather than at import so that `next build`
 * (which imports route modules) does not need runtime secrets.
 */
export function getEnv(): ServerEnv {
  // The only place in the app that reads process.env.
  if (!cachedEnv) {
    cachedEnv = parseServerEnv(process.env)
    // next-auth 4 reads its public URL from NEXTAUTH_URL itself (links, redirects, and whether
    // cookies get the Secure flag); APP_URL is the single setting, so mirror it.
    process.env.NEXTAUTH_URL = cachedEnv.APP_URL
  }
  return cachedEnv
}

/**
 * Settings of the launcher (`npm run dev` / `npm start`), which decides what to start before the
 * app's own environment exists: an external DATABASE_URL / S3_ENDPOINT switches the embedded
 * service off.
 */
export const launcherEnvSchema = z.object({
  VALET_DATA_DIR: z.string().min(1).default(".data"),
  VALET_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  VALET_S3_PORT: z.coerce.number().int().min(1).max(65535).default(4569),
  /** The embedded mail catcher's port, used when SMTP_URL is unset. */
  VALET_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(2525),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: optionalString,
  S3_ENDPOINT: optionalString,
  SMTP_URL: optionalString,
  /** `azure` with no AZURE_BLOB_ENDPOINT starts an embedded Azurite instead of the S3 server. */
  STORAGE_BACKEND: z.enum(["s3", "azure"]).default("s3"),
  AZURE_BLOB_ENDPOINT: optionalString,
  VALET_AZURITE_PORT: z.coerce.number().int().min(1).max(65535).default(10000),
  CI: z.stringbool().default(false),
})

export type LauncherEnv = z.infer<typeof launcherEnvSchema>

/**
 * The logger's settings (lib/log.ts), read on their own: a log line must be writable even when the
 * rest of the environment is invalid (that is what the line may be about).
 */
export const logEnvSchema = z.object({
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  NODE_ENV: z.string().default("development"),
})

export function parseLogEnv(source: Record<string, string | undefined> = process.env): z.infer<typeof logEnvSchema> {
  return parseEnv(logEnvSchema, source)
}

export function parseLauncherEnv(source: Record<string, string | undefined> = process.env): LauncherEnv {
  return parseEnv(launcherEnvSchema, source)
}
