import { NextResponse, type NextRequest } from "next/server"
import { getEnv } from "@/lib/env"
import { buildPageSecurityHeaders, createNonce } from "@/lib/security-headers"
import { describeShare } from "@/lib/shares"
import { describeUploadRequest } from "@/lib/upload-requests"

const TOKEN_PAGE = /^\/([sr])\/([^/]+)$/

/**
 * Runs before every page (see the matcher), with two jobs:
 *
 * 1. A Content-Security-Policy with a fresh nonce. The policy names the storage origin, which is
 *    runtime configuration, so it cannot be a static header from next.config. Next.js reads the
 *    nonce from the *request's* CSP header and puts it on the scripts it renders; the browser
 *    reads the response's.
 * 2. A page cannot choose its own status code, and a dead link should answer 410 Gone (so caches,
 *    crawlers and scripts see it is gone for good). For `/s/:token` (shares) and `/r/:token`
 *    (upload requests) only, the link's state is read here and the page renders under a 410 when
 *    the link is revoked, expired, used up or closed.
 *    (`next()` with a status, not a rewrite: a rewrite to an absolute URL whose host differs from
 *    the one the server is bound to — localhost vs 127.0.0.1 — is proxied to itself and hangs.)
 */
export async function proxy(request: NextRequest) {
  const nonce = createNonce()
  const securityHeaders = buildPageSecurityHeaders(getEnv(), nonce)
  const requestHeaders = new Headers(request.headers)
  requestHeaders.set("Content-Security-Policy", securityHeaders["Content-Security-Policy"] ?? "")

  const status = await linkStatus(request.nextUrl.pathname)
  const response = NextResponse.next({ request: { headers: requestHeaders }, ...(status ? { status } : {}) })
  for (const [name, value] of Object.entries(securityHeaders)) response.headers.set(name, value)
  return response
}

/** 410 for a share or upload-request page whose link is dead; undefined for every other page. */
async function linkStatus(pathname: string): Promise<number | undefined> {
  const [, kind, token = ""] = TOKEN_PAGE.exec(pathname) ?? []
  if (kind === "s") {
    const share = await describeShare(token).catch(() => null)
    if (share && share.state !== "active") return 410
  } else if (kind === "r") {
    const uploadRequest = await describeUploadRequest(token).catch(() => null)
    if (uploadRequest && uploadRequest.state !== "open") return 410
  }
  return undefined
}

export const config = {
  matcher: [
    {
      // Pages only. Not: route handlers under /api (JSON; their static headers come from
      // next.config.mjs), the share download redirect (a hot path with no page), build assets.
      source: "/((?!api/|_next/static/|_next/image|favicon\\.ico|s/[^/]+/(?:download|download-all|unlock|files/)).*)",
      // Prefetches fetch RSC payloads, not documents: they need no policy of their own.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
}
