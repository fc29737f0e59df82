import { z } from "zod"
import { say } from "@/lib/shared/validations/messages"
import { WEBHOOK_EVENTS } from "@/lib/shared/webhooks"
import { displaySafe } from "@/lib/shared/validations/text"

export const SHARE_RECIPIENTS_MAX = 20
export const RECIPIENT_MESSAGE_MAX_LENGTH = 1000

/** POST /api/webhooks */
export const createWebhookSchema = z.strictObject({
  url: z
    .string()
    .trim()
    .min(1, say("webhookUrlRequired"))
    .max(2000, say("tooLong", { max: 2000 })),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, say("eventsRequired")),
})

/** Recipients a link is mailed to, on creation (POST /api/shares), on edit, or on its own. */
export const shareRecipientsSchema = z.object({
  recipients: z
    .array(z.email(say("recipientsInvalid")).trim().toLowerCase().max(254))
    .max(SHARE_RECIPIENTS_MAX, say("recipientsTooMany", { max: SHARE_RECIPIENTS_MAX }))
    .transform((emails) => [...new Set(emails)])
    .default([]),
  recipientMessage: displaySafe(
    z
      .string()
      .trim()
      .max(RECIPIENT_MESSAGE_MAX_LENGTH, say("tooLong", { max: RECIPIENT_MESSAGE_MAX_LENGTH })),
    "The message",
    { multiline: true },
  )
    .optional()
    .transform((message) => message || undefined),
})

export type ShareRecipientsInput = z.infer<typeof shareRecipientsSchema>

/** POST /api/shares/:id/recipients: sending a link needs someone to send it to. */
export const sendShareRecipientsSchema = shareRecipientsSchema.refine((input) => input.recipients.length > 0, {
  path: ["recipients"],
  message: say("recipientsRequired"),
})

/** PATCH /api/account/notifications */
export const notificationSettingsSchema = z.strictObject({
  notifyDownloads: z.boolean().optional(),
  notifyUploadRequests: z.boolean().optional(),
  notifyExpiry: z.boolean().optional(),
})

/** PATCH /api/shares/:id/notifications */
export const shareNotificationsSchema = z.strictObject({
  notifyDownloads: z.boolean().optional(),
  notifyExpiry: z.boolean().optional(),
})

/** A PATCH body split in two: recipient fields here, the rest left for the strict edit schema. */
export const shareRecipientsBodySchema = z.looseObject({
  recipients: z.unknown().optional(),
  recipientMessage: z.unknown().optional(),
})
