import { readJson } from "@/lib/errors"
import { route } from "@/lib/route"
import { createWebhookSchema } from "@/lib/shared/validations/notifications"
import { createWebhook, listWebhooks } from "@/lib/webhooks/webhooks"

// GET /api/webhooks — the caller's webhooks (never their secrets)
export const GET = route("user", async ({ user }) => Response.json({ webhooks: await listWebhooks(user) }))

// POST /api/webhooks {url, events[]} — 201 with the signing secret, shown this once
export const POST = route("user", async ({ request, user }) => {
  const input = createWebhookSchema.parse(await readJson(request))
  return Response.json({ webhook: await createWebhook(user, input) }, { status: 201 })
})
