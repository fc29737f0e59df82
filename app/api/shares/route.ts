import { readJson } from "@/lib/errors"
import { chargeShareEmails, refundShareEmails } from "@/lib/notifications"
import { mailShareLink } from "@/lib/share-mail"
import { shareRecipientsSchema } from "@/lib/shared/validations/notifications"
import { route } from "@/lib/route"
import { createShare, listShares } from "@/lib/shares"
import { createMultiShareSchema, listSharesQuerySchema } from "@/lib/shared/validations/shares"

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
  // Charged first: a 429 or 503 must not leave a link behind that the client thinks was not made.
  await chargeShareEmails(user, mailing.recipients.length)
  const share = await createShare(user, input).catch(async (error: unknown) => {
    await refundShareEmails(user, mailing.recipients.length)
    throw error
  })
  const sentTo = await mailShareLink(user, share.id, mailing, { charged: true })
  return Response.json({ share: { ...share, sentTo } }, { status: 201 })
})
