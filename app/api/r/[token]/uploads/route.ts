import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { requireRequestUploader, withRenewedSession } from "@/lib/upload-request-routes"
import { grantUpload } from "@/lib/uploads"
import { uploadRequestSchema } from "@/lib/shared/validations/uploads"

// POST /api/r/:token/uploads — an outsider asks to send one file through an upload request
export const POST = route("link", async ({ request, params }) => {
  const uploader = await requireRequestUploader(request, params.token)
  const input = uploadRequestSchema.parse(await readJson(request))
  const upload = await grantUpload(uploader, input)
  return withRenewedSession(Response.json({ upload }, { status: 201 }), uploader)
})
