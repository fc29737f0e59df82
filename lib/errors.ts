import { randomUUID } from "node:crypto"
import { ZodError } from "zod"

export type ApiErrorBody = { error: { code: string; message: string; issues?: unknown } }

/** A failure the client should see as-is: an HTTP status, a stable code and a human message. */
export class ApiError extends Error {
  override name = "ApiError"
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Response headers that belong to this failure, such as Retry-After on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

export const notFound = (what = "Resource") => new ApiError(404, "not_found", `${what} not found`)

export function errorResponse(
  status: number,
  code: string,
  message: string,
  extra?: { issues?: unknown; headers?: Record<string, string> },
) {
  const body: ApiErrorBody = { error: { code, message, ...(extra?.issues === undefined ? {} : { issues: extra.issues }) } }
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

/**
 * Whether an error means PostgreSQL is unreachable or restarting (found by stopping it under
 * load): the client should retry shortly, nothing is wrong with the request.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false
  const code = prismaErrorCode(error)
  if (code && DATABASE_DOWN_CODES.has(code)) return true
  const meta = "meta" in error && typeof error.meta === "object" && error.meta !== null ? error.meta : undefined
  const cause = meta && "driverAdapterError" in meta ? (meta.driverAdapterError as { cause?: { kind?: unknown; code?: unknown } }).cause : undefined
  if (typeof cause?.kind === "string" && DATABASE_DOWN_KINDS.has(cause.kind)) return true
  if (cause?.kind === "postgres" && typeof cause.code === "string" && DATABASE_DOWN_SQLSTATE.test(cause.code)) return true
  return error instanceof Error && !code && DATABASE_DOWN_MESSAGE.test(error.message)
}

/**
 * Drops the query string of every URL in a text. A presigned URL's query *is* the key
 * (X-Amz-Signature, credential, expiry), and logs must never hold one (DESIGN.md §3 rule 9).
 */
export function redactUrlQueries(text: string): string {
  return text.replace(/(\bhttps?:\/\/[^\s?#"'<>]+)\?[^\s"'<>]*/g, "$1?[redacted]")
}

/** The one mapping from a thrown value to an HTTP response. Never leaks a stack trace. */
export function handleApiError(error: unknown): Response {
  if (error instanceof ApiError) return errorResponse(error.status, error.code, error.message, { headers: error.headers })
  if (error instanceof ZodError) {
    const issues = error.issues.map(({ path, message }) => ({ path: path.join("."), message }))
    const first = issues[0]
    const message = first ? `${first.path || "body"}: ${first.message}` : "Invalid request"
    return errorResponse(400, "invalid_request", message, { issues })
  }
  if (isDatabaseUnavailable(error)) {
    console.error(`[api] database unavailable: ${error instanceof Error ? error.name : "UnknownError"}`)
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
  const requestId = randomUUID()
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error)
  console.error(`[api] unhandled error (request ${requestId}): ${redactUrlQueries(detail)}`)
  return errorResponse(500, "internal_error", `Something went wrong (request ${requestId})`)
}

/** Reads a JSON body; malformed JSON is the client's error (400), not ours. */
export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json()
  } catch {
    throw new ApiError(400, "invalid_json", "Request body must be valid JSON")
  }
}

/** Like readJson, for routes whose body may be left out entirely (then it reads as `{}`). */
export async function readOptionalJson(request: Request): Promise<unknown> {
  const text = await request.text()
  if (text.trim() === "") return {}
  try {
    return JSON.parse(text)
  } catch {
    throw new ApiError(400, "invalid_json", "Request body must be valid JSON")
  }
}
