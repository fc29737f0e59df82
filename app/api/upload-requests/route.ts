import { requireUser } from "@/lib/auth"
import { handleApiError, readJson } from "@/lib/errors"
import { createUploadRequest, listUploadRequests } from "@/lib/upload-requests"
import { createUploadRequestSchema } from "@/lib/validations/upload-requests"

const NO_STORE = { "Cache-Control": "no-store" }

// POST /api/upload-requests — a write-only link others can send files through
export async function POST(request: Request) {
  try {
    const user = await requireUser(request)
    const input = createUploadRequestSchema.parse(await readJson(request))
    const uploadRequest = await createUploadRequest(user, input)
    return Response.json({ uploadRequest }, { status: 201, headers: NO_STORE })
  } catch (error) {
    return handleApiError(error)
  }
}

// GET /api/upload-requests — the caller's upload requests with what each received
export async function GET(request: Request) {
  try {
    const user = await requireUser(request)
    return Response.json({ uploadRequests: await listUploadRequests(user) }, { headers: NO_STORE })
  } catch (error) {
    return handleApiError(error)
  }
}
