import { handleApiError, readJson } from "@/lib/errors"
import { requireRequestUploader } from "@/lib/upload-request-routes"
import { grantUpload } from "@/lib/uploads"
import { uploadRequestSchema } from "@/lib/validations/uploads"

// POST /api/r/:token/uploads — an outsider asks to send one file through an upload request
export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }) {
  try {
    const uploader = await requireRequestUploader(request, (await params).token)
    const input = uploadRequestSchema.parse(await readJson(request))
    const upload = await grantUpload(uploader, input)
    return Response.json({ upload }, { status: 201, headers: { "Cache-Control": "no-store" } })
  } catch (error) {
    return handleApiError(error)
  }
}
