import { route } from "@/lib/route"
import { testWebhook } from "@/lib/webhooks/webhooks"

// POST /api/webhooks/:id/test — queue a "webhook.test" delivery (and resume a paused webhook); 202
export const POST = route("user", async ({ user, params }) =>
  Response.json(await testWebhook(user, params.id), { status: 202 }),
)
