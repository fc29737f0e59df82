import { requireUser } from "@/lib/auth"
import { handleApiError, readOptionalJson } from "@/lib/errors"
import { createShare, listShares } from "@/lib/shares"
import { createShareSchema } from "@/lib/validations/shares"

// POST /api/files/:id/shares — create a link to one of the caller's files (the URL is shown once)
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireUser(request)
    const input = createShareSchema.parse(await readOptionalJson(request))
    const share = await createShare(user, (await params).id, input)
    return Response.json({ share }, { status: 201, headers: { "Cache-Control": "no-store" } })
  } catch (error) {
    return handleApiError(error)
  }
}

// GET /api/files/:id/shares — the caller's links to one file
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const user = await requireUser(request)
    const shares = await listShares(user, { fileId: (await params).id })
    return Response.json({ shares }, { headers: { "Cache-Control": "no-store" } })
  } catch (error) {
    return handleApiError(error)
  }
}
