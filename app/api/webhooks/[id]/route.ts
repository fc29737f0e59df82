import { route } from "@/lib/route"
import { deleteWebhook } from "@/lib/webhooks/webhooks"

// DELETE /api/webhooks/:id — remove a webhook, its queued deliveries and its log
export const DELETE = route("user", async ({ user, params }) => {
  await deleteWebhook(user, params.id)
  return new Response(null, { status: 204 })
})
