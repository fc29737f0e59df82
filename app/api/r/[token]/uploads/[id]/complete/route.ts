import { readOptionalJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { requireRequestUploader, withRenewedSession } from "@/lib/upload-request-routes"
import { completeUpload } from "@/lib/uploads"
import { COMPLETE_UPLOAD_BODY_MAX_BYTES, completeUploadSchema } from "@/lib/shared/validations/uploads"

// POST /api/r/:token/uploads/:id/complete — verify the sender's object, record it for the owner
export const POST = route("link", async ({ request, params }) => {
  const uploader = await requireRequestUploader(request, params.token)
  const input = completeUploadSchema.parse(
    await readOptionalJson(request, { maxBytes: COMPLETE_UPLOAD_BODY_MAX_BYTES }),
  )
  const { file, created } = await completeUpload(uploader, params.id, input)
  // The sender learns what arrived, never where it lives or how to fetch it.
  const response = Response.json(
    { file: { name: file.name, size: file.size, type: file.type } },
    { status: created ? 201 : 200 },
  )
  return withRenewedSession(response, uploader)
})
