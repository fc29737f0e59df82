import NextAuth from "next-auth"
import type { NextRequest } from "next/server"
import { getAuthOptions, limitSignInAttempt } from "@/lib/auth"
import { handleApiError } from "@/lib/errors"
import { resetRateLimit } from "@/lib/rate-limit"

type Context = { params: Promise<{ nextauth: string[] }> }

// Options are built per request (and cached) rather than at import, so `next build` needs no secret.
const nextAuth = (request: NextRequest, context: Context): Promise<Response> => NextAuth(request, context, getAuthOptions())

export function GET(request: NextRequest, context: Context) {
  return nextAuth(request, context)
}

// POST /api/auth/* — next-auth's own endpoints; password sign-ins are rate limited first.
export async function POST(request: NextRequest, context: Context) {
  const { nextauth } = await context.params
  if (nextauth.join("/") !== "callback/credentials") return nextAuth(request, context)

  let accountKey: string | undefined
  try {
    accountKey = await limitSignInAttempt(request)
  } catch (error) {
    return handleApiError(error)
  }
  const response = await nextAuth(request, context)
  // next-auth answers 401 for wrong credentials and 200/302 on success; only success clears the
  // account's count, so failures keep adding up until the window ends.
  if (response.status < 400 && accountKey) await resetRateLimit(accountKey)
  return response
}
