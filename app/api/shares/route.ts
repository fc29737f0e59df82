import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { createShare, listShares } from "@/lib/shares"
import { createMultiShareSchema, listSharesQuerySchema } from "@/lib/validations/shares"

// GET /api/shares?fileId= — the caller's links, newest first
export const GET = route("user", async ({ request, user }) => {
  const filter = listSharesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  return Response.json({ shares: await listShares(user, filter) })
})

// POST /api/shares {fileIds[1..500], title?, message?, expiresIn?, maxDownloads?, password?} — one
// link for several of the caller's files; a foreign id is a 404 and nothing is created
export const POST = route("user", async ({ request, user }) => {
  const input = createMultiShareSchema.parse(await readJson(request))
  const share = await createShare(user, input)
  return Response.json({ share }, { status: 201 })
})
