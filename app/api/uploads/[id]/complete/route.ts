import { requireUser } from "@/lib/auth"
import { handleApiError, readOptionalJson } from "@/lib/errors"
import { completeUpload } from "@/lib/uploads"
import { COMPLETE_UPLOAD_BODY_MAX_BYTES, completeUploadSchema } from "@/lib/validations/uploads"

// POST /api/uploads/:id/complete — verify the object in storage, then record the file
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireUser(request)
    const input = completeUploadSchema.parse(await readOptionalJson(request, { maxBytes: COMPLETE_UPLOAD_BODY_MAX_BYTES }))
    const { file, created } = await completeUpload(user, (await params).id, input)
    return Response.json({ file }, { status: created ? 201 : 200 })
  } catch (error) {
    return handleApiError(error)
  }
}
