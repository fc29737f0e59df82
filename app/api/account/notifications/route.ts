import { readJson } from "@/lib/errors"
import { getNotificationSettings, updateNotificationSettings } from "@/lib/notifications"
import { route } from "@/lib/route"
import { notificationSettingsSchema } from "@/lib/shared/validations/notifications"

// GET /api/account/notifications — the caller's mail switches
export const GET = route("user", async ({ user }) => Response.json({ settings: await getNotificationSettings(user) }))

// PATCH /api/account/notifications {notifyDownloads?, notifyUploadRequests?, notifyExpiry?}
export const PATCH = route("user", async ({ request, user }) => {
  const input = notificationSettingsSchema.parse(await readJson(request))
  return Response.json({ settings: await updateNotificationSettings(user, input) })
})
