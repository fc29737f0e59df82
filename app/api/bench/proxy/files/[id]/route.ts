import { assertBenchProxyEnabled, proxyDownload } from "@/lib/bench-proxy"
import { route } from "@/lib/route"
import { attachmentDisposition } from "@/lib/storage"

// GET /api/bench/proxy/files/:id — BENCHMARK ONLY (off unless BENCH_PROXY_ENABLED): the app reads
// the object from storage and streams it to the client, instead of redirecting to a valet key as
// GET /api/files/:id/download does. The cost of this path is what Valet exists to avoid.
// Authenticated first, like every API route (anonymous callers get 401); then 404 when off.
export const GET = route("user", async ({ user, params }) => {
  assertBenchProxyEnabled()
  const file = await proxyDownload(user, params.id)
  return new Response(file.body, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.size),
      "Content-Disposition": attachmentDisposition(file.name),
    },
  })
})
