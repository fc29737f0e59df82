import NextAuth from "next-auth"
import type { NextRequest } from "next/server"
import { getAuthOptions, limitSignInAttempt } from "@/lib/auth"
import { resetRateLimit } from "@/lib/rate-limit"
import { route, type RouteParams } from "@/lib/route"

// Options are built per request (and cached) rather than at import, so `next build` needs no secret.
// Next.js hands route handlers a NextRequest (next-auth reads its nextUrl); the wrapper types it as Request.
const nextAuth = (request: Request, params: RouteParams): Promise<Response> =>
  NextAuth(request as NextRequest, { params: { nextauth: params.nextauth } }, getAuthOptions())

// GET /api/auth/* — next-auth's own endpoints (session, CSRF token, providers, sign-out page)
export const GET = route("public", ({ request, params }) => nextAuth(request, params))

// POST /api/auth/* — next-auth's own endpoints; password sign-ins are rate limited first.
export const POST = route("public", async ({ request, params }) => {
  if (params.nextauth.join("/") !== "callback/credentials") return nextAuth(request, params)
  const accountKey = await limitSignInAttempt(request)
  const response = await nextAuth(request, params)
  // next-auth answers 401 for wrong credentials and 200/302 on success; only success clears the
  // account's count, so failures keep adding up until the window ends.
  if (response.status < 400 && accountKey) await resetRateLimit(accountKey)
  return response
})
