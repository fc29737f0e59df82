import { proxyDownload, proxyUpload } from "@/bench/proxy/proxy"
import { ApiError } from "@/lib/errors"
import { route } from "@/lib/route"
import { uploadRequestSchema } from "@/lib/shared/validations/uploads"
import { attachmentDisposition } from "@/lib/storage"

// PUT /api/bench/proxy/uploads?name=&type= — BENCHMARK ONLY: the body streams through the server
// into storage. This is the data path Valet exists to avoid; `npm run bench` measures its cost.
export const PUT = route("user", async ({ request, user }) => {
  const query = new URL(request.url).searchParams
  const length = request.headers.get("content-length")
  if (length === null || !/^\d+$/.test(length))
    throw new ApiError("length_required", "Send the body with a Content-Length")
  const input = uploadRequestSchema.parse({
    name: query.get("name") ?? "",
    type: query.get("type") ?? undefined,
    size: Number(length),
  })
  if (!request.body) throw new ApiError("empty_body", "Send the file as the request body")
  const file = await proxyUpload(user, input, request.body)
  return Response.json({ file }, { status: 201 })
})

// GET /api/bench/proxy/files/:id — BENCHMARK ONLY: the server reads the object from storage and
// streams it to the client, instead of redirecting to a valet key as GET /api/files/:id/download does.
export const GET = route("user", async ({ user, params }) => {
  const file = await proxyDownload(user, params.id)
  return new Response(file.body, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.size),
      "Content-Disposition": attachmentDisposition(file.name),
    },
  })
})
