import { readOptionalJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { createShare, listShares } from "@/lib/shares"
import { createShareSchema } from "@/lib/validations/shares"

// POST /api/files/:id/shares — the one-file shorthand of POST /api/shares (the URL is shown once)
export const POST = route("user", async ({ request, user, params }) => {
  const input = createShareSchema.parse(await readOptionalJson(request))
  const share = await createShare(user, { ...input, fileIds: [params.id] })
  return Response.json({ share }, { status: 201 })
})

// GET /api/files/:id/shares — the caller's links holding one file
export const GET = route("user", async ({ user, params }) => {
  return Response.json({ shares: await listShares(user, { fileId: params.id }) })
})
