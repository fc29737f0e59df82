import { randomUUID } from "node:crypto"
import { ZodError } from "zod"
import { ERROR_CODES, type ApiErrorBody, type ErrorCode } from "@/lib/shared/error-codes"
import { formatBytes } from "@/lib/shared/upload-layout"
import type { ValidationIssue } from "@/lib/shared/wire/errors"
import { currentRequestId, getLog, redactUrlQueries } from "@/lib/log"

export type { ApiErrorBody, ErrorCode }
export { redactUrlQueries }

/**
 * A failure the client should see as-is: a stable code from the catalogue (lib/shared/error-codes.ts,
 * which also fixes its HTTP status) and a human message.
 */
export class ApiError extends Error {
  override name = "ApiError"
  readonly status: number
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Response headers that belong to this failure, such as Retry-After on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.status = ERROR_CODES[code].status
  }
}

export const notFound = (what = "Resource") => new ApiError("not_found", `${what} not found`)

export function errorResponse(
  status: number,
  code: ErrorCode,
  message: string,
  extra?: { issues?: ValidationIssue[]; headers?: Record<string, string> },
) {
  const body: ApiErrorBody = {
    error: { code, message, ...(extra?.issues === undefined ? {} : { issues: extra.issues }) },
  }
  return Response.json(body, { status, headers: { ...extra?.headers, "Cache-Control": "no-store" } })
}

/** Prisma's known request errors carry a code; we map the ones that mean "client's fault". */
export function prismaErrorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string") {
    return /^P\d{4}$/.test(error.code) ? error.code : undefined
  }
  return undefined
}

// Prisma codes for "the database is not there": can't reach (P1001), connect timed out (P1002),
// operation timed out (P1008), server closed the connection (P1017), no pool connection in time (P2024).
const DATABASE_DOWN_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"])
// What @prisma/adapter-pg calls a lost connection; raw queries carry it under another code (P2010).
const DATABASE_DOWN_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"])
// SQLSTATEs of a server going away: class 08 (connection exception), shutting down or starting up (57P01-57P03).
const DATABASE_DOWN_SQLSTATE = /^(08|57P0[1-3])/
// node-postgres' own messages when a connection dies mid-query or cannot be opened in time.
const DATABASE_DOWN_MESSAGE =
  /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect/

// The same for node-postgres' own errors on the hot paths' prepared statements (lib/db.ts
// queryPrepared): a socket that cannot connect or was cut, as the OS names it.
const SOCKET_DOWN_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "EAI_AGAIN"])

/** A statement sent through the pool itself (not Prisma) failed because the database went away. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super("The database is unavailable", { cause })
    this.name = "DatabaseUnavailableError"
  }
}

/** Whether a node-postgres error (not Prisma's) means the database is unreachable or restarting. */
export function isPgConnectionLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = "code" in error && typeof error.code === "string" ? error.code : undefined
  if (code && (SOCKET_DOWN_CODES.has(code) || DATABASE_DOWN_SQLSTATE.test(code))) return true
  return DATABASE_DOWN_MESSAGE.test(error.message)
}

/**
 * Whether an error means PostgreSQL is unreachable or restarting (found by stopping it under
 * load): the client should retry shortly, nothing is wrong with the request.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false
  if (error instanceof DatabaseUnavailableError) return true
  const code = prismaErrorCode(error)
  if (code && DATABASE_DOWN_CODES.has(code)) return true
  const meta = "meta" in error && typeof error.meta === "object" && error.meta !== null ? error.meta : undefined
  const cause =
    meta && "driverAdapterError" in meta
      ? (meta.driverAdapterError as { cause?: { kind?: unknown; code?: unknown } }).cause
      : undefined
  if (typeof cause?.kind === "string" && DATABASE_DOWN_KINDS.has(cause.kind)) return true
  if (cause?.kind === "postgres" && typeof cause.code === "string" && DATABASE_DOWN_SQLSTATE.test(cause.code))
    return true
  return error instanceof Error && !code && DATABASE_DOWN_MESSAGE.test(error.message)
}

/** The one mapping from a thrown value to an HTTP response. Never leaks a stack trace. */
export function handleApiError(error: unknown): Response {
  if (error instanceof ApiError)
    return errorResponse(error.status, error.code, error.message, { headers: error.headers })
  if (error instanceof ZodError) {
    const issues = error.issues.map(({ path, message }) => ({ path: path.join("."), message }))
    const first = issues[0]
    const message = first ? `${first.path || "body"}: ${first.message}` : "Invalid request"
    return errorResponse(400, "invalid_request", message, { issues })
  }
  if (isDatabaseUnavailable(error)) {
    getLog().error(`[api] database unavailable: ${error instanceof Error ? error.name : "UnknownError"}`)
    return errorResponse(503, "database_unavailable", "The database is unavailable, try again shortly", {
      headers: { "Retry-After": "5" },
    })
  }
  switch (prismaErrorCode(error)) {
    case "P2025":
      return errorResponse(404, "not_found", "Resource not found")
    case "P2002":
      return errorResponse(409, "conflict", "Resource already exists")
  }
  // The route wrapper's id, so the client's message, the response header and the log line match.
  const requestId = currentRequestId() ?? randomUUID()
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error)
  getLog().error({ requestId }, `[api] unhandled error (request ${requestId}): ${redactUrlQueries(detail)}`)
  return errorResponse(500, "internal_error", `Something went wrong (request ${requestId})`)
}

/**
 * The largest JSON body a route reads: every request body Valet takes is a few small fields, so
 * anything bigger is a mistake or an attack, and is refused before it is buffered or parsed.
 */
export const JSON_BODY_MAX_BYTES = 16 * 1024

type ReadJsonOptions = { maxBytes?: number }

const bodyTooLarge = (maxBytes: number) =>
  new ApiError("body_too_large", `Request bodies may be at most ${formatBytes(maxBytes)}`)
const invalidJson = () => new ApiError("invalid_json", "Request body must be valid JSON (UTF-8)")

/**
 * The body's bytes, at most `maxBytes` of them. Content-Length is checked first (nothing is read
 * of a body declared too big), and bytes are counted while reading too: a chunked body declares no
 * length, and a declared one may lie. Reading stops at the first byte past the cap.
 */
export async function readBodyBytes(request: Request, maxBytes: number, onBroken: () => ApiError): Promise<Buffer> {
  const declared = request.headers.get("content-length")
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) throw bodyTooLarge(maxBytes)
  if (!request.body) return Buffer.alloc(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let received = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      received += value.byteLength
      if (received > maxBytes) {
        await reader.cancel().catch(() => undefined)
        throw bodyTooLarge(maxBytes)
      }
      chunks.push(value)
    }
  } catch (error) {
    if (error instanceof ApiError) throw error
    // The client went away mid-body, or the body was already read: nothing valid arrived.
    throw onBroken()
  }
  return Buffer.concat(chunks, received)
}

/** The body as UTF-8 text, at most `maxBytes` of it; bytes that are not UTF-8 are the client's error. */
async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const bytes = await readBodyBytes(request, maxBytes, invalidJson)
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes)
  } catch {
    throw invalidJson()
  }
}

const invalidForm = () => new ApiError("invalid_form", "Request body must be a valid form")

/**
 * Reads a form body (urlencoded or multipart) of at most JSON_BODY_MAX_BYTES, like readJson: 413
 * before anything is buffered when Content-Length says more, and while reading when the body
 * turns out bigger. `request.formData()` would buffer whatever the client sends.
 */
export async function readForm(request: Request, options: ReadJsonOptions = {}): Promise<FormData> {
  const bytes = await readBodyBytes(request, options.maxBytes ?? JSON_BODY_MAX_BYTES, invalidForm)
  const contentType = request.headers.get("content-type") ?? ""
  // The bytes are in memory and bounded now: the platform's parser may have them.
  return new Response(new Uint8Array(bytes), { headers: { "content-type": contentType } }).formData().catch(() => {
    throw invalidForm()
  })
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw invalidJson()
  }
}

/** Reads a JSON body of at most JSON_BODY_MAX_BYTES (413 above); malformed JSON is the client's error (400), not ours. */
export async function readJson(request: Request, options: ReadJsonOptions = {}): Promise<unknown> {
  return parseJson(await readBodyText(request, options.maxBytes ?? JSON_BODY_MAX_BYTES))
}

/** Like readJson, for routes whose body may be left out entirely (then it reads as `{}`). */
export async function readOptionalJson(request: Request, options: ReadJsonOptions = {}): Promise<unknown> {
  const text = await readBodyText(request, options.maxBytes ?? JSON_BODY_MAX_BYTES)
  return text.trim() === "" ? {} : parseJson(text)
}
