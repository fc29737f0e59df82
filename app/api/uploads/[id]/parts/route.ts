import { requireUser } from "@/lib/auth"
import { handleApiError, readJson } from "@/lib/errors"
import { listUploadedParts, signUploadParts } from "@/lib/uploads"
import { signPartsSchema } from "@/lib/validations/uploads"

const NO_STORE = { "Cache-Control": "no-store" }

// POST /api/uploads/:id/parts — presigned URLs for some part numbers of an open multipart upload
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireUser(request)
    const { partNumbers } = signPartsSchema.parse(await readJson(request))
    const parts = await signUploadParts(user, (await params).id, partNumbers)
    return Response.json({ parts }, { headers: NO_STORE })
  } catch (error) {
    return handleApiError(error)
  }
}

// GET /api/uploads/:id/parts — parts already in storage, to resume after a reload
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireUser(request)
    const parts = await listUploadedParts(user, (await params).id)
    // `listed: false`: this storage cannot list parts, so a resumed upload sends every part again.
    return Response.json({ parts: parts ?? [], listed: parts !== null }, { headers: NO_STORE })
  } catch (error) {
    return handleApiError(error)
  }
}
