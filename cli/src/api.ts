import { CliError, EXIT, exitCodeFor } from "./errors.js"

export const USER_AGENT = "valet-cli/0.1"
/** No API call may hang a script: each gets this long (storage transfers have their own bound). */
const API_TIMEOUT_MS = 60_000

type ErrorBody = { error?: { code?: unknown; message?: unknown } }

/** Turns a failed answer into a CliError: the server's message and code, the exit code by kind. */
export async function failureOf(response: Response, what: string): Promise<CliError> {
  const body = (await response.json().catch(() => null)) as ErrorBody | null
  const code = typeof body?.error?.code === "string" ? body.error.code : undefined
  const message = typeof body?.error?.message === "string" ? body.error.message : `${what}: HTTP ${response.status}`
  const retryAfter = response.headers.get("retry-after")
  const hint = response.status === 429 && retryAfter ? ` (retry after ${retryAfter} s)` : ""
  return new CliError(`${message}${hint}`, exitCodeFor(response.status, code), code, response.status)
}

/** A fetch whose network failure (refused, reset, DNS, timeout) is a CliError with the "unavailable" exit code. */
export async function send(
  url: string,
  // `duplex: "half"` lets a request body be a stream (uploads from disk).
  init: RequestInit & { timeoutMs?: number; duplex?: "half" },
  what: string,
): Promise<Response> {
  const { timeoutMs = API_TIMEOUT_MS, ...rest } = init
  const signal = rest.signal
    ? AbortSignal.any([rest.signal, AbortSignal.timeout(timeoutMs)])
    : AbortSignal.timeout(timeoutMs)
  try {
    return await fetch(url, { ...rest, signal, redirect: rest.redirect ?? "manual" })
  } catch (error) {
    const reason =
      error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)
    throw new CliError(
      `${what}: ${new URL(url).host} could not be reached (${reason})`,
      EXIT.unavailable,
      "network_error",
    )
  }
}

/** The signed-in API of one Valet server, with a personal API token. */
export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async call<T>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await send(
      `${this.baseUrl}${route}`,
      {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: "application/json",
          "user-agent": USER_AGENT,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
      `${method} ${route}`,
    )
    if (!response.ok) throw await failureOf(response, `${method} ${route}`)
    if (response.status === 204) return undefined as T
    return (await response.json()) as T
  }
}
