import { readJson } from "@/lib/errors"
import { updateShareNotifications } from "@/lib/notifications"
import { route } from "@/lib/route"
import { shareNotificationsSchema } from "@/lib/shared/validations/notifications"

// PATCH /api/shares/:id/notifications {notifyDownloads?, notifyExpiry?} — this link's mail switches
export const PATCH = route("user", async ({ request, user, params }) => {
  const input = shareNotificationsSchema.parse(await readJson(request))
  return Response.json({ notifications: await updateShareNotifications(user, params.id, input) })
})
