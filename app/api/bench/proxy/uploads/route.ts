import { assertBenchProxyEnabled, proxyUpload } from "@/lib/bench-proxy"
import { ApiError } from "@/lib/errors"
import { route } from "@/lib/route"
import { uploadRequestSchema } from "@/lib/shared/validations/uploads"

// PUT /api/bench/proxy/uploads?name=&type= — BENCHMARK ONLY (off unless BENCH_PROXY_ENABLED):
// the body streams through the app into storage. This is the data path Valet exists to avoid;
// it is here so `npm run bench` can measure what it costs.
// Authenticated first, like every API route (anonymous callers get 401); then 404 when off.
export const PUT = route("user", async ({ request, user }) => {
  assertBenchProxyEnabled()
  const query = new URL(request.url).searchParams
  const length = request.headers.get("content-length")
  if (length === null || !/^\d+$/.test(length)) throw new ApiError("length_required", "Send the body with a Content-Length")
  const input = uploadRequestSchema.parse({ name: query.get("name") ?? "", type: query.get("type") ?? undefined, size: Number(length) })
  if (!request.body) throw new ApiError("empty_body", "Send the file as the request body")
  const file = await proxyUpload(user, input, request.body)
  return Response.json({ file }, { status: 201 })
})
