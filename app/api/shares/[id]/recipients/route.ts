import { readJson } from "@/lib/errors"
import { listShareRecipients } from "@/lib/notifications"
import { route } from "@/lib/route"
import { mailShareLink } from "@/lib/share-mail"
import { sendShareRecipientsSchema } from "@/lib/shared/validations/notifications"

// GET /api/shares/:id/recipients — who the link was mailed to, and its mail switches (owner only)
export const GET = route("user", async ({ user, params }) => Response.json(await listShareRecipients(user, params.id)))

// POST /api/shares/:id/recipients {recipients[1..20], recipientMessage?} — mail the link; 429 past the daily allowance
export const POST = route("user", async ({ request, user, params }) => {
  const input = sendShareRecipientsSchema.parse(await readJson(request))
  return Response.json({ sentTo: await mailShareLink(user, params.id, input) }, { status: 202 })
})
