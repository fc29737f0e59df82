import { type BodyCase, MISSING, WRONG_TYPES } from "@/tests/support/bad-input/values"

/** Bodies of the notification routes: webhooks, mail settings per account and per link, and sending a link to recipients. */
export async function notificationBodyCases(): Promise<Record<string, BodyCase>> {
  const notifications = await import("@/lib/shared/validations/notifications")
  return {
    "POST webhooks": {
      valid: { url: "https://example.com/hook", events: ["share.created"] },
      schema: notifications.createWebhookSchema,
      fields: {
        url: [MISSING, ...WRONG_TYPES, "", "x".repeat(2001)],
        events: [MISSING, ...WRONG_TYPES, [], ["share.exploded"], [1]],
        sneaky: [1, "x"],
      },
      others: [
        {
          body: { url: "http://169.254.169.254/latest", events: ["share.created"] },
          status: 400,
          code: "webhook_url_forbidden",
        },
      ],
    },
    "PATCH account/notifications": {
      valid: { notifyDownloads: false },
      schema: notifications.notificationSettingsSchema,
      fields: {
        notifyDownloads: ["yes", 1, [], null],
        notifyUploadRequests: ["true", 0],
        notifyExpiry: [{}, "false"],
        sneaky: [1],
      },
    },
    "PATCH shares/[id]/notifications": {
      valid: { notifyDownloads: false },
      schema: notifications.shareNotificationsSchema,
      fields: { notifyDownloads: ["yes", 1, [], null], notifyExpiry: [{}, "false"], sneaky: [1] },
    },
    "POST shares/[id]/recipients": {
      valid: { recipients: ["someone@example.com"] },
      schema: notifications.sendShareRecipientsSchema,
      fields: {
        recipients: [
          MISSING,
          [],
          42,
          "someone@example.com",
          {},
          ["not-an-address"],
          [1],
          Array.from({ length: 21 }, (_, index) => `r${index}@example.com`),
        ],
        recipientMessage: [42, [], "x".repeat(1001), "a\u202eb"],
      },
    },
  }
}
