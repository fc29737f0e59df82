import NextAuth from "next-auth"
import { NextRequest } from "next/server"
import { getAuthOptions, runSignInRequest } from "@/lib/auth"
import { ApiError, handleApiError, JSON_BODY_MAX_BYTES, readBodyBytes } from "@/lib/errors"
import { assertHashCapacity } from "@/lib/passwords"

/*
 * next-auth's catch-all stays outside route(): next-auth reads its own `context.params` (a string[]
 * catch-all, which RouteParams does not model), answers redirects and cookies itself, and the
 * session endpoint's caching is its own. What Valet adds is below: a capped body and the answer to
 * a refused sign-in.
 */
type Context = { params: Promise<{ nextauth: string[] }> }

// Options are built per request (and cached) rather than at import, so `next build` needs no secret.
const nextAuth = (request: NextRequest, context: Context): Promise<Response> => NextAuth(request, context, getAuthOptions())

export function GET(request: NextRequest, context: Context) {
  return nextAuth(request, context)
}

/**
 * POST /api/auth/* — next-auth's own endpoints. Its body reader (`req.text()`) would buffer
 * whatever arrives, so the body is read here first, capped like every JSON body (413 above 16 KiB,
 * before reading when Content-Length says so), and handed on from memory. Password checks are
 * counted and limited inside authorize() (lib/auth.ts), for every path that reaches it;
 * runSignInRequest turns its refusals into 429/503 with Retry-After.
 */
export async function POST(request: NextRequest, context: Context) {
  let body: Buffer
  try {
    // While password checks are saturated, a sign-in is refused before next-auth does any work.
    if ((await context.params).nextauth[0] === "callback") assertHashCapacity()
    body = await readBodyBytes(request, JSON_BODY_MAX_BYTES, () => new ApiError("invalid_form", "Request body must be a valid form"))
  } catch (error) {
    return handleApiError(error)
  }
  const buffered = new NextRequest(request.url, { method: request.method, headers: request.headers, body: new Uint8Array(body) })
  return runSignInRequest(() => nextAuth(buffered, context))
}
