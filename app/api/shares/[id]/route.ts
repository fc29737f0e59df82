import { readJson } from "@/lib/errors"
import { mailShareLink } from "@/lib/share-mail"
import { shareRecipientsBodySchema, shareRecipientsSchema } from "@/lib/shared/validations/notifications"
import { route } from "@/lib/route"
import { getShareDetail, revokeShare, updateShare } from "@/lib/shares"
import { shareEventsQuerySchema, updateShareSchema } from "@/lib/shared/validations/shares"

// GET /api/shares/:id?cursor=&limit= — a link with a page of its access log, newest first (owner or admin)
export const GET = route("user", async ({ request, user, params }) => {
  const page = shareEventsQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  return Response.json(await getShareDetail(user, params.id, page))
})

// PATCH /api/shares/:id {title?, message?, expiresIn?, maxDownloads?, password? | null, recipients?,
// recipientMessage?} — edit a live link, and mail it to recipients
export const PATCH = route("user", async ({ request, user, params }) => {
  const { recipients, recipientMessage, ...edit } = shareRecipientsBodySchema.parse(await readJson(request))
  const input = updateShareSchema.parse(edit)
  const mailing = shareRecipientsSchema.parse({ recipients, recipientMessage })
  const share = await updateShare(user, params.id, input)
  return Response.json({ share: { ...share, sentTo: await mailShareLink(user, params.id, mailing) } })
})

// DELETE /api/shares/:id — revoke a link (owner, or an admin); effective on its next request
export const DELETE = route("user", async ({ user, params }) => {
  await revokeShare(user, params.id)
  return new Response(null, { status: 204 })
})
