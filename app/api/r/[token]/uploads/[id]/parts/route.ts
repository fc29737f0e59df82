import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { requireRequestUploader, withRenewedSession } from "@/lib/upload-request-routes"
import { listUploadedParts, signUploadParts } from "@/lib/uploads"
import { signPartsSchema } from "@/lib/shared/validations/uploads"

// POST /api/r/:token/uploads/:id/parts — part URLs for the sender's multipart upload
export const POST = route("link", async ({ request, params }) => {
  const uploader = await requireRequestUploader(request, params.token)
  const { partNumbers } = signPartsSchema.parse(await readJson(request))
  return withRenewedSession(Response.json({ parts: await signUploadParts(uploader, params.id, partNumbers) }), uploader)
})

// GET /api/r/:token/uploads/:id/parts — parts storage holds, to resume
export const GET = route("link", async ({ request, params }) => {
  const uploader = await requireRequestUploader(request, params.token)
  const parts = await listUploadedParts(uploader, params.id)
  return withRenewedSession(Response.json({ parts: parts ?? [], listed: parts !== null }), uploader)
})
