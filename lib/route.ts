import { requireAdmin, requireUser, type AuthUser } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"

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

/**
 * Wraps a route handler: checks the declared access, awaits the params, defaults
 * `Cache-Control: no-store` (every API answer is per-user or holds a key) and maps every failure
 * through the one error mapper (lib/errors.ts).
 */
export function route<A extends RouteAccess>(access: A, handler: (context: Context<A>) => Promise<Response> | Response): RouteHandler {
  const wrapped = async (request: Request, context?: NextContext) => {
    try {
      // Next.js fills every segment the folder names; RouteParams lists those names.
      const params = ((await context?.params) ?? {}) as RouteParams
      const user = access === "user" ? await requireUser(request) : access === "admin" ? await requireAdmin(request) : undefined
      return withNoStore(await handler({ request, params, user } as Context<A>))
    } catch (error) {
      return handleApiError(error)
    }
  }
  return Object.assign(wrapped, { access })
}

function withNoStore(response: Response): Response {
  if (response.headers.has("Cache-Control")) return response
  try {
    response.headers.set("Cache-Control", "no-store")
    return response
  } catch {
    // Response.redirect() and fetch() responses have immutable headers: copy them.
    const headers = new Headers(response.headers)
    headers.set("Cache-Control", "no-store")
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
  }
}
