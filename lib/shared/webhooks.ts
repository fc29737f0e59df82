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

export type WebhookSummary = {
  id: string
  url: string
  events: WebhookEvent[]
  createdAt: string
  failingSince: string | null
  pausedAt: string | null
}

export type WebhookAttemptSummary = { at: string; statusCode: number | null; latencyMs: number; error: string | null }

export type WebhookDeliverySummary = {
  id: string
  eventId: string
  type: string
  status: "pending" | "delivered" | "failed"
  attempts: number
  createdAt: string
  deliveredAt: string | null
  nextAttemptAt: string | null
  log: WebhookAttemptSummary[]
}
