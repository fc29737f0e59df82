import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { listUploadedParts, signUploadParts } from "@/lib/uploads"
import { signPartsSchema } from "@/lib/shared/validations/uploads"

// POST /api/uploads/:id/parts — presigned URLs for some part numbers of an open multipart upload
export const POST = route("user", async ({ request, user, params }) => {
  const { partNumbers } = signPartsSchema.parse(await readJson(request))
  return Response.json({ parts: await signUploadParts(user, params.id, partNumbers) })
})

// GET /api/uploads/:id/parts — parts already in storage, to resume after a reload
export const GET = route("user", async ({ user, params }) => {
  const parts = await listUploadedParts(user, params.id)
  // `listed: false`: this storage cannot list parts, so a resumed upload sends every part again.
  return Response.json({ parts: parts ?? [], listed: parts !== null })
})
