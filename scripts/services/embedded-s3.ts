/**
 * An S3 server in this process (`@20minutes/s3rver`, files under one folder) for development and
 * tests. It verifies SigV4 (patched in patches/@20minutes+s3rver+*.patch), with per-install random
 * credentials; the public `S3RVER`/`S3RVER` key s3rver ships with is revoked.
 */
import { randomBytes, randomInt } from "node:crypto"
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import type { AddressInfo } from "node:net"
import path from "node:path"
import { ensureOwnerOnlyFile, ensurePrivateDir } from "./private-files"

export type EmbeddedS3 = {
  endpoint: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  stop(): Promise<void>
}

type Credentials = { accessKeyId: string; secretAccessKey: string }

// The slice of Koa and s3rver this file uses (neither ships TypeScript types).
type KoaContext = {
  method: string
  path: string
  status: number
  type: string
  body: unknown
  query: Record<string, string | string[] | undefined>
  get(field: string): string
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>
type S3rverOptions = {
  address: string
  port: number
  directory: string
  silent: boolean
  vhostBuckets: boolean
  allowMismatchedSignatures: boolean
  resetOnClose: boolean
}
type S3rverServer = {
  middleware: KoaMiddleware[]
  run(): Promise<AddressInfo>
  close(): Promise<void>
  on(event: "error", listener: (error: unknown) => void): void
}
type AwsAccount = {
  accessKeys: Map<string, string>
  createKeyPair(accessKeyId: string, secretAccessKey: string): void
  revokeAccessKey(accessKeyId: string): void
}
type AccountModule = { registry: Map<string, AwsAccount>; DUMMY_ACCOUNT: AwsAccount }

const require = createRequire(import.meta.url)
const S3rver = require("@20minutes/s3rver") as new (options: S3rverOptions) => S3rverServer
// s3rver checks signatures against this module-wide registry of access keys.
const accounts = require("@20minutes/s3rver/lib/models/account") as AccountModule

const REGION = "us-east-1"
/** The key pair every s3rver install accepts out of the box; it must never work here. */
const PUBLIC_ACCESS_KEY_ID = "S3RVER"
const ACCESS_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

function generateCredentials(): Credentials {
  let accessKeyId = ""
  for (let i = 0; i < 20; i++) accessKeyId += ACCESS_KEY_ALPHABET[randomInt(ACCESS_KEY_ALPHABET.length)]
  return { accessKeyId, secretAccessKey: randomBytes(30).toString("base64url") }
}

function parseCredentials(text: string, file: string): Credentials {
  const value: unknown = JSON.parse(text)
  if (typeof value === "object" && value !== null && "accessKeyId" in value && "secretAccessKey" in value) {
    const { accessKeyId, secretAccessKey } = value
    if (
      typeof accessKeyId === "string" &&
      typeof secretAccessKey === "string" &&
      accessKeyId.length > 0 &&
      secretAccessKey.length > 0 &&
      accessKeyId !== PUBLIC_ACCESS_KEY_ID
    ) {
      return { accessKeyId, secretAccessKey }
    }
  }
  throw new Error(`${file}: expected {"accessKeyId","secretAccessKey"} (non-empty, not the public S3RVER key)`)
}

function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code
}

async function loadOrCreateCredentials(file: string): Promise<Credentials> {
  try {
    const credentials = parseCredentials(await readFile(file, "utf8"), file)
    await ensureOwnerOnlyFile(file)
    return credentials
  } catch (error) {
    if (!hasCode(error, "ENOENT")) throw error
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
  const credentials = generateCredentials()
  // Written aside then hard-linked into place: link() fails if the file appeared meanwhile, so two
  // processes starting at once never see a half-written file and end up with the same keys.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`
  try {
    await writeFile(tmp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 })
    await link(tmp, file)
    return credentials
  } catch (error) {
    if (hasCode(error, "EEXIST")) return parseCredentials(await readFile(file, "utf8"), file)
    throw error
  } finally {
    await unlink(tmp).catch(() => undefined)
  }
}

// The account registry is shared by every s3rver in the process: count the servers using a key so
// stopping one does not revoke a key another still serves.
const keyUsers = new Map<string, number>()

function registerKey({ accessKeyId, secretAccessKey }: Credentials): void {
  accounts.DUMMY_ACCOUNT.revokeAccessKey(PUBLIC_ACCESS_KEY_ID)
  const registered = accounts.DUMMY_ACCOUNT.accessKeys.get(accessKeyId)
  if (registered !== undefined && registered !== secretAccessKey) {
    throw new Error(`embedded S3: access key ${accessKeyId} is already in use with another secret`)
  }
  accounts.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey)
  keyUsers.set(accessKeyId, (keyUsers.get(accessKeyId) ?? 0) + 1)
}

function releaseKey(accessKeyId: string): void {
  const users = (keyUsers.get(accessKeyId) ?? 1) - 1
  if (users > 0) {
    keyUsers.set(accessKeyId, users)
    return
  }
  keyUsers.delete(accessKeyId)
  accounts.DUMMY_ACCOUNT.revokeAccessKey(accessKeyId)
}

function denyAccess(ctx: KoaContext, message: string): void {
  ctx.status = 403
  ctx.type = "application/xml"
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${message}</Message></Error>`
}

/**
 * s3rver only checks a signature when a request carries one: an unsigned request is served with
 * full rights (read, overwrite, delete, list, reconfigure CORS). A valet-key store must refuse it,
 * so only SigV4 (header or presigned query) gets through to s3rver, which then verifies it. The
 * checks mirror how s3rver itself detects each mechanism (case-sensitive query names), so nothing
 * this guard lets through can reach s3rver as "unsigned". CORS preflights carry no credentials by
 * design and are answered by s3rver's CORS middleware from the bucket's CORS rules.
 */
const requireSigV4: KoaMiddleware = async (ctx, next) => {
  const isPreflight =
    ctx.method === "OPTIONS" && ctx.get("origin") !== "" && ctx.get("access-control-request-method") !== ""
  if (isPreflight) return next()

  const authorization = ctx.get("authorization")
  if (/^AWS /i.test(authorization) || "Signature" in ctx.query || "AWSAccessKeyId" in ctx.query) {
    return denyAccess(ctx, "Signature Version 2 is not accepted; sign requests with AWS4-HMAC-SHA256.")
  }
  const isHeaderV4 = /^AWS4-HMAC-SHA256 /.test(authorization)
  const isQueryV4 =
    ctx.query["X-Amz-Algorithm"] === "AWS4-HMAC-SHA256" && typeof ctx.query["X-Amz-Signature"] === "string"
  if ((authorization !== "" && !isHeaderV4) || (!isHeaderV4 && !isQueryV4)) {
    return denyAccess(ctx, "Anonymous access is not allowed; sign requests with AWS4-HMAC-SHA256.")
  }
  return next()
}

function statusOf(error: unknown): number {
  const status = typeof error === "object" && error !== null && "status" in error ? error.status : undefined
  return typeof status === "number" ? status : 500
}

/** Method, path and status only: the query string of a presigned request holds its signature. */
const logRequests: KoaMiddleware = async (ctx, next) => {
  const { method, path: requestPath } = ctx
  const started = performance.now()
  const log = (status: number) =>
    console.info(`[s3] ${method} ${requestPath} ${status} ${Math.round(performance.now() - started)}ms`)
  try {
    await next()
    log(ctx.status)
  } catch (error) {
    log(statusOf(error))
    throw error
  }
}

function endpointHost(address: string): string {
  if (address === "0.0.0.0" || address === "::") return "127.0.0.1"
  return address.includes(":") ? `[${address}]` : address
}

export async function startEmbeddedS3(options: {
  dataDir: string
  credentialsFile: string
  host?: string
  port: number
  silent?: boolean
}): Promise<EmbeddedS3> {
  const silent = options.silent ?? true
  // Every stored object lives here, whoever uploaded it: owner only.
  await ensurePrivateDir(options.dataDir)
  const credentials = await loadOrCreateCredentials(options.credentialsFile)

  const server = new S3rver({
    address: options.host ?? "127.0.0.1",
    port: options.port,
    directory: options.dataDir,
    // s3rver's own logger prints full request URLs, presigned signatures included: always off.
    silent: true,
    // Path-style only: otherwise any non-IP Host header other than localhost is taken as a bucket.
    vhostBuckets: false,
    allowMismatchedSignatures: false,
    resetOnClose: false,
  })
  // Koa composes `middleware` when the server starts listening, so these run before all of s3rver's.
  server.middleware.unshift(requireSigV4)
  if (!silent) {
    server.middleware.unshift(logRequests)
    server.on("error", (error) => {
      if (statusOf(error) >= 500)
        console.error(`[s3] internal error: ${error instanceof Error ? error.name : "unknown"}`)
    })
  }

  registerKey(credentials)
  let address: AddressInfo
  try {
    address = await server.run()
  } catch (error) {
    releaseKey(credentials.accessKeyId)
    throw error
  }

  let stopping: Promise<void> | undefined
  return {
    endpoint: `http://${endpointHost(address.address)}:${address.port}`,
    region: REGION,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    stop() {
      stopping ??= server.close().finally(() => releaseKey(credentials.accessKeyId))
      return stopping
    },
  }
}
