import { randomUUID } from "node:crypto"
import { bearerSecret, requireAdmin, requireUser, type AuthUser } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"
import { withRequestId } from "@/lib/log"
import { observeRequest, routePattern } from "@/lib/metrics"

/**
 * Who may call a route:
 * - `public`: anyone (its own checks apply: a CSRF token, a rate limit);
 * - `user`: a signed-in user or an API token (401 otherwise);
 * - `admin`: an administrator (401 anonymous, 403 for a user);
 * - `link`: anyone holding a link token in the path; the handler checks the link itself.
 */
export type RouteAccess = "public" | "user" | "admin" | "link"

/** The dynamic segments Valet's routes use ([id], [token], …); add a name here with a route that needs it. */
export type RouteParams = Readonly<Record<"id" | "token" | "fileId", string> & { nextauth: string[] }>
type Context<A extends RouteAccess> = {
  request: Request
  params: RouteParams
  user: A extends "user" | "admin" ? AuthUser : undefined
}

/** A route handler as Next.js calls it, carrying its declared access for the access test. */
type NextContext = { params: Promise<Partial<Record<string, string | string[]>>> }
export type RouteHandler = ((request: Request, context?: NextContext) => Promise<Response>) & {
  readonly access: RouteAccess
}

/** A caller's (a load balancer's) request id is kept when it is a plain token; anything else is replaced. */
const REQUEST_ID = /^[\w.:-]{1,128}$/

/**
 * Wraps a route handler: checks the declared access, awaits the params, defaults
 * `Cache-Control: no-store` (every API answer is per-user or holds a key), maps every failure
 * through the one error mapper (lib/errors.ts), and runs it under a request id (the caller's
 * `x-request-id`, or a new one) that every log line carries and the response echoes.
 */
export function route<A extends RouteAccess>(
  access: A,
  handler: (context: Context<A>) => Promise<Response> | Response,
): RouteHandler {
  const authenticate = (request: Request) =>
    (access === "user" ? requireUser(request) : access === "admin" ? requireAdmin(request) : undefined) as
      Promise<Context<A>["user"]> | Context<A>["user"]
  return wrap(access, authenticate, handler)
}

/** A bearer token route() has not checked (routeWithUncheckedToken); `check()` is route("user")'s check: the user, or a 401. */
export type UncheckedToken = { via: "unchecked-token"; secret: string; check: () => Promise<AuthUser> }

/**
 * route("user", …) for a handler that checks an API token inside its own database statement, one
 * round trip instead of two (the upload grant): a request with `Authorization: Bearer <secret>`
 * reaches the handler with the token unchecked; every other request is authenticated first, as
 * route("user") does. Before it answers anything but a 401, the handler must have checked the
 * token, in its statement or with check().
 */
export function routeWithUncheckedToken(
  handler: (
    context: Omit<Context<"user">, "user"> & { user: AuthUser | UncheckedToken },
  ) => Promise<Response> | Response,
): RouteHandler {
  const authenticate = (request: Request): Promise<AuthUser | UncheckedToken> => {
    const secret = bearerSecret(request)
    return secret
      ? Promise.resolve({ via: "unchecked-token", secret, check: () => requireUser(request) })
      : requireUser(request)
  }
  return wrap("user", authenticate, handler)
}

function wrap<User>(
  access: RouteAccess,
  authenticate: (request: Request) => Promise<User> | User,
  handler: (context: { request: Request; params: RouteParams; user: User }) => Promise<Response> | Response,
): RouteHandler {
  const wrapped = async (request: Request, context?: NextContext) => {
    const started = performance.now()
    const given = request.headers.get("x-request-id")
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID()
    let params: RouteParams | undefined
    const response = await withRequestId(requestId, async () => {
      try {
        // Next.js fills every segment the folder names; RouteParams lists those names.
        params = ((await context?.params) ?? {}) as RouteParams
        const user = await authenticate(request)
        return await handler({ request, params, user })
      } catch (error) {
        return handleApiError(error)
      }
    })
    observeRequest({
      // The pattern, never the raw path: paths hold ids and link tokens (DESIGN §3.9).
      route: params ? routePattern(new URL(request.url).pathname, params) : "unmatched",
      method: request.method,
      status: response.status,
      seconds: (performance.now() - started) / 1000,
    })
    return withHeaders(response, { "Cache-Control": "no-store", "X-Request-Id": requestId })
  }
  return Object.assign(wrapped, { access })
}

/** Sets each header the response does not set itself. */
function withHeaders(response: Response, defaults: Record<string, string>): Response {
  const missing = Object.entries(defaults).filter(([name]) => !response.headers.has(name))
  try {
    for (const [name, value] of missing) response.headers.set(name, value)
    return response
  } catch {
    // Response.redirect() and fetch() responses have immutable headers: copy them.
    const headers = new Headers(response.headers)
    for (const [name, value] of missing) headers.set(name, value)
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
  }
}
