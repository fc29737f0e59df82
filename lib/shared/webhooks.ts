/** Webhook wire types and event names, shared by the API and the settings page. */
export const WEBHOOK_EVENTS = [
  "file.uploaded",
  "share.created",
  "share.downloaded",
  "share.revoked",
  "upload_request.received",
] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]
/** What "send a test" delivers; not subscribable. */
export const WEBHOOK_TEST_EVENT = "webhook.test"

export type { WebhookAttemptSummary, WebhookDeliverySummary, WebhookSummary } from "@/lib/shared/wire/webhooks"
