import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { createUploadRequest, listUploadRequests } from "@/lib/upload-requests"
import { createUploadRequestSchema } from "@/lib/shared/validations/upload-requests"

// POST /api/upload-requests — a write-only link others can send files through
export const POST = route("user", async ({ request, user }) => {
  const input = createUploadRequestSchema.parse(await readJson(request))
  const uploadRequest = await createUploadRequest(user, input)
  return Response.json({ uploadRequest }, { status: 201 })
})

// GET /api/upload-requests — the caller's upload requests with what each received
export const GET = route("user", async ({ user }) => Response.json({ uploadRequests: await listUploadRequests(user) }))
