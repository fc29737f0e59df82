import { requireUser } from "@/lib/auth"
import { assertBenchProxyEnabled, proxyDownload } from "@/lib/bench-proxy"
import { handleApiError } from "@/lib/errors"
import { attachmentDisposition } from "@/lib/storage"

// GET /api/bench/proxy/files/:id — BENCHMARK ONLY (off unless BENCH_PROXY_ENABLED): the app reads
// the object from storage and streams it to the client, instead of redirecting to a valet key as
// GET /api/files/:id/download does. The cost of this path is what Valet exists to avoid.
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    // Authenticated first, like every API route (anonymous callers get 401); then 404 when off.
    const user = await requireUser(request)
    assertBenchProxyEnabled()
    const file = await proxyDownload(user, (await params).id)
    return new Response(file.body, {
      headers: {
        "Content-Type": file.contentType,
        "Content-Length": String(file.size),
        "Content-Disposition": attachmentDisposition(file.name),
        "Cache-Control": "no-store",
      },
    })
  } catch (error) {
    return handleApiError(error)
  }
}
