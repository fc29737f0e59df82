import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { grantUpload } from "@/lib/uploads"
import { uploadRequestSchema } from "@/lib/shared/validations/uploads"

// POST /api/uploads — grant an upload: one presigned PUT, or a multipart upload to sign parts for
export const POST = route("user", async ({ request, user }) => {
  const input = uploadRequestSchema.parse(await readJson(request))
  const upload = await grantUpload(user, input)
  return Response.json({ upload }, { status: 201 })
})
