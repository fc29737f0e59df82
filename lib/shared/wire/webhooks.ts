import { z } from "zod"
import { api, area, isoTimestamp, named, noContent, type Wire } from "@/lib/shared/wire/common"
import { createWebhookSchema } from "@/lib/shared/validations/notifications"
import { WEBHOOK_EVENTS } from "@/lib/shared/webhooks"

export const webhookSchema = named(
  "Webhook",
  "A webhook; never its signing secret, which only its creation answers with.",
  z.strictObject({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    createdAt: isoTimestamp,
    failingSince: isoTimestamp.nullable(),
    pausedAt: isoTimestamp.nullable(),
  }),
)
export type WebhookSummary = Wire<typeof webhookSchema>

export const webhookAttemptSchema = z.strictObject({
  at: isoTimestamp,
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int().min(0),
  error: z.string().nullable(),
})
export type WebhookAttemptSummary = Wire<typeof webhookAttemptSchema>

export const webhookDeliverySchema = named(
  "WebhookDelivery",
  "One delivery of an event with every attempt, oldest attempt first.",
  z.strictObject({
    id: z.string(),
    eventId: z.string(),
    type: z.string(),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int().min(0),
    createdAt: isoTimestamp,
    deliveredAt: isoTimestamp.nullable(),
    nextAttemptAt: isoTimestamp.nullable(),
    log: z.array(webhookAttemptSchema),
  }),
)
export type WebhookDeliverySummary = Wire<typeof webhookDeliverySchema>

export const WEBHOOK_OPERATIONS = area("Webhooks", [
  api("GET /api/webhooks", "user", "The caller's webhooks", {
    200: z.strictObject({ webhooks: z.array(webhookSchema) }),
  }),
  api("POST /api/webhooks", "user", "Register a webhook; the signing secret is in this answer only", {
    body: createWebhookSchema,
    201: z.strictObject({ webhook: webhookSchema.extend({ secret: z.string() }) }),
    errors: ["webhook_url_forbidden", "webhook_limit"],
  }),
  api("DELETE /api/webhooks/{id}", "user", "Remove a webhook, its queued deliveries and its log", {
    204: noContent(),
  }),
  api("GET /api/webhooks/{id}/deliveries", "user", "The latest 50 deliveries with every attempt", {
    200: z.strictObject({ deliveries: z.array(webhookDeliverySchema) }),
  }),
  api("POST /api/webhooks/{id}/test", "user", "Queue a webhook.test delivery (and resume a paused webhook)", {
    202: z.strictObject({ deliveryId: z.string(), eventId: z.string() }),
  }),
])
