import { readJson } from "@/lib/errors"
import { assertMailAvailable } from "@/lib/mail/outbox"
import { mailShareLink } from "@/lib/share-mail"
import { shareRecipientsSchema } from "@/lib/validations/notifications"
import { route } from "@/lib/route"
import { createShare, listShares } from "@/lib/shares"
import { createMultiShareSchema, listSharesQuerySchema } from "@/lib/validations/shares"

// GET /api/shares?fileId= — the caller's links, newest first
export const GET = route("user", async ({ request, user }) => {
  const filter = listSharesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams))
  return Response.json({ shares: await listShares(user, filter) })
})

// POST /api/shares {fileIds[1..500], title?, message?, expiresIn?, maxDownloads?, password?,
// recipients?[..20], recipientMessage?} — one link for several of the caller's files; a foreign id is a
// 404 and nothing is created; recipients get the link by mail
export const POST = route("user", async ({ request, user }) => {
  const body = await readJson(request)
  const input = createMultiShareSchema.parse(body)
  const mailing = shareRecipientsSchema.parse(body)
  if (mailing.recipients.length > 0) assertMailAvailable()
  const share = await createShare(user, input)
  const sentTo = await mailShareLink(user, share.id, mailing)
  return Response.json({ share: { ...share, sentTo } }, { status: 201 })
})
