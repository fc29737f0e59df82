import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { getShareDetail, revokeShare, updateShare } from "@/lib/shares"
import { shareEventsQuerySchema, updateShareSchema } from "@/lib/validations/shares"

// GET /api/shares/:id?cursor=&limit= — a link with a page of its access log, newest first (owner or admin)
export const GET = route("user", async ({ request, user, params }) => {
  const page = shareEventsQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  return Response.json(await getShareDetail(user, params.id, page))
})

// PATCH /api/shares/:id {title?, message?, expiresIn?, maxDownloads?, password? | null} — edit a live link
export const PATCH = route("user", async ({ request, user, params }) => {
  const input = updateShareSchema.parse(await readJson(request))
  return Response.json({ share: await updateShare(user, params.id, input) })
})

// DELETE /api/shares/:id — revoke a link (owner, or an admin); effective on its next request
export const DELETE = route("user", async ({ user, params }) => {
  await revokeShare(user, params.id)
  return new Response(null, { status: 204 })
})
