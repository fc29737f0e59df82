import { handleApiError, readJson } from "@/lib/errors"
import { requireRequestUploader } from "@/lib/upload-request-routes"
import { listUploadedParts, signUploadParts } from "@/lib/uploads"
import { signPartsSchema } from "@/lib/validations/uploads"

type Params = { params: Promise<{ token: string; id: string }> }
const NO_STORE = { "Cache-Control": "no-store" }

// POST /api/r/:token/uploads/:id/parts — part URLs for the sender's multipart upload
export async function POST(request: Request, { params }: Params) {
  try {
    const { token, id } = await params
    const uploader = await requireRequestUploader(request, token)
    const { partNumbers } = signPartsSchema.parse(await readJson(request))
    return Response.json({ parts: await signUploadParts(uploader, id, partNumbers) }, { headers: NO_STORE })
  } catch (error) {
    return handleApiError(error)
  }
}

// GET /api/r/:token/uploads/:id/parts — parts storage holds, to resume
export async function GET(request: Request, { params }: Params) {
  try {
    const { token, id } = await params
    const parts = await listUploadedParts(await requireRequestUploader(request, token), id)
    return Response.json({ parts: parts ?? [], listed: parts !== null }, { headers: NO_STORE })
  } catch (error) {
    return handleApiError(error)
  }
}
