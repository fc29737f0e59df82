import { route } from "@/lib/route"
import { listWebhookDeliveries } from "@/lib/webhooks/webhooks"

// GET /api/webhooks/:id/deliveries — the latest 50 deliveries with every attempt (status, latency)
export const GET = route("user", async ({ user, params }) =>
  Response.json({ deliveries: await listWebhookDeliveries(user, params.id) }),
)
