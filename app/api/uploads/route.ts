import { requireUser } from "@/lib/auth"
import { handleApiError, readJson } from "@/lib/errors"
import { grantUpload } from "@/lib/uploads"
import { uploadRequestSchema } from "@/lib/validations/uploads"

// POST /api/uploads — grant an upload: one presigned PUT, or a multipart upload to sign parts for
export async function POST(request: Request) {
  try {
    const user = await requireUser(request)
    const input = uploadRequestSchema.parse(await readJson(request))
    const upload = await grantUpload(user, input)
    return Response.json({ upload }, { status: 201, headers: { "Cache-Control": "no-store" } })
  } catch (error) {
    return handleApiError(error)
  }
}
