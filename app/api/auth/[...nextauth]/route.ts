import NextAuth from "next-auth"
import { NextRequest } from "next/server"
import { getAuthOptions, runSignInRequest } from "@/lib/auth"
import { ApiError, JSON_BODY_MAX_BYTES, readBodyBytes } from "@/lib/errors"
import { assertHashCapacity } from "@/lib/passwords"
import { route, type RouteParams } from "@/lib/route"

// Options are built per request (and cached) rather than at import, so `next build` needs no secret.
// Next.js hands route handlers a NextRequest (next-auth reads its nextUrl); the wrapper types it as Request.
const nextAuth = (request: Request, params: RouteParams): Promise<Response> =>
  NextAuth(request as NextRequest, { params: { nextauth: params.nextauth } }, getAuthOptions())

// GET /api/auth/* — next-auth's own endpoints (session, CSRF token, providers, sign-out page)
export const GET = route("public", ({ request, params }) => nextAuth(request, params))

/**
 * POST /api/auth/* — next-auth's own endpoints. Its body reader (`req.text()`) would buffer
 * whatever arrives, so the body is read here first, capped like every JSON body (413 above 16 KiB,
 * before reading when Content-Length says so), and handed on from memory. Password checks are
 * counted and limited inside authorize() (lib/auth.ts), for every path that reaches it;
 * runSignInRequest turns its refusals into 429/503 with Retry-After.
 */
export const POST = route("public", async ({ request, params }) => {
  // While password checks are saturated, a sign-in is refused before next-auth does any work.
  if (params.nextauth[0] === "callback") assertHashCapacity()
  const body = await readBodyBytes(
    request,
    JSON_BODY_MAX_BYTES,
    () => new ApiError("invalid_form", "Request body must be a valid form"),
  )
  const buffered = new NextRequest(request.url, {
    method: request.method,
    headers: request.headers,
    body: new Uint8Array(body),
  })
  return runSignInRequest(() => nextAuth(buffered, params))
})
