import { NextResponse, type NextRequest } from "next/server"
import { describeShare } from "@/lib/shares"
import { describeUploadRequest } from "@/lib/upload-requests"

/**
 * A page cannot choose its own status code, and a dead link should answer 410 Gone (so caches,
 * crawlers and scripts see it is gone for good). For `/s/:token` (shares) and `/r/:token` (upload
 * requests) only, the link's state is read here and the page renders under a 410 when the link is
 * revoked, expired, used up or closed.
 * (`next()` with a status, not a rewrite: a rewrite to an absolute URL whose host differs from
 * the one the server is bound to — localhost vs 127.0.0.1 — is proxied to itself and hangs.)
 */
export async function proxy(request: NextRequest) {
  const [, kind, token = ""] = request.nextUrl.pathname.split("/")
  if (kind === "s") {
    const share = await describeShare(token).catch(() => null)
    if (share && share.state !== "active") return NextResponse.next({ status: 410 })
  } else {
    // The same for upload requests (/r/:token): a closed or expired link is gone.
    const uploadRequest = await describeUploadRequest(token).catch(() => null)
    if (uploadRequest && uploadRequest.state !== "open") return NextResponse.next({ status: 410 })
  }
  return NextResponse.next()
}

export const config = { matcher: ["/s/:token", "/r/:token"] }
