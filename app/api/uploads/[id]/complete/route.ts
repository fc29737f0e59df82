import { readOptionalJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { completeUpload } from "@/lib/uploads"
import { COMPLETE_UPLOAD_BODY_MAX_BYTES, completeUploadSchema } from "@/lib/shared/validations/uploads"

// POST /api/uploads/:id/complete — verify the object in storage, then record the file
export const POST = route("user", async ({ request, user, params }) => {
  const input = completeUploadSchema.parse(
    await readOptionalJson(request, { maxBytes: COMPLETE_UPLOAD_BODY_MAX_BYTES }),
  )
  const { file, created } = await completeUpload(user, params.id, input)
  return Response.json({ file }, { status: created ? 201 : 200 })
})
