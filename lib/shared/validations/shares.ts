import { z } from "zod"
import { say } from "@/lib/shared/validations/messages"
import { displaySafe, resourceIdSchema } from "@/lib/shared/validations/text"

export const SHARE_PASSWORD_MIN_LENGTH = 4
export const SHARE_PASSWORD_MAX_LENGTH = 256
/** Ten years: a bound for "custom" expiries so a typo cannot overflow a date. */
export const SHARE_EXPIRY_MAX_SECONDS = 10 * 365 * 24 * 60 * 60
export const SHARE_MAX_DOWNLOADS = 1_000_000
/** Files one link may hold. */
export const SHARE_MAX_FILES = 500
export const SHARE_TITLE_MAX_LENGTH = 120
export const SHARE_MESSAGE_MAX_LENGTH = 2000

export const createShareSchema = z.object({
  /** Seconds until the link stops working; null for a link that never expires, absent for the default. */
  expiresIn: z
    .number({ error: "expiresIn must be a number of seconds" })
    .int("expiresIn must be a whole number of seconds")
    .min(60, say("expiryTooShort"))
    .max(SHARE_EXPIRY_MAX_SECONDS, say("shareExpiryTooLong"))
    .nullish(),
  maxDownloads: z
    .number({ error: "maxDownloads must be a number" })
    .int("maxDownloads must be a whole number")
    .min(1, say("downloadsTooFew"))
    .max(SHARE_MAX_DOWNLOADS)
    .nullish(),
  // Not trimmed: spaces are part of a password. An empty field means "no password".
  password: z
    .string()
    .max(SHARE_PASSWORD_MAX_LENGTH, say("tooLong", { max: SHARE_PASSWORD_MAX_LENGTH }))
    .optional()
    .transform((password) => password || undefined)
    .refine(
      (password) => password === undefined || password.length >= SHARE_PASSWORD_MIN_LENGTH,
      say("tooShort", { min: SHARE_PASSWORD_MIN_LENGTH }),
    ),
})

export type CreateShareInput = z.infer<typeof createShareSchema>

const titleSchema = displaySafe(
  z
    .string()
    .trim()
    .max(SHARE_TITLE_MAX_LENGTH, say("tooLong", { max: SHARE_TITLE_MAX_LENGTH })),
  "The title",
)
const messageSchema = displaySafe(
  z
    .string()
    .trim()
    .max(SHARE_MESSAGE_MAX_LENGTH, say("tooLong", { max: SHARE_MESSAGE_MAX_LENGTH })),
  "The message",
  { multiline: true },
)

/** POST /api/shares: one link for 1..500 of the caller's files, in the order given. */
export const createMultiShareSchema = createShareSchema.extend({
  fileIds: z
    .array(resourceIdSchema)
    .min(1, say("filesRequired"))
    .max(SHARE_MAX_FILES, say("filesTooMany", { max: SHARE_MAX_FILES }))
    .refine((ids) => new Set(ids).size === ids.length, say("filesRepeated")),
  // An empty field means "none".
  title: titleSchema.optional().transform((title) => title || undefined),
  message: messageSchema.optional().transform((message) => message || undefined),
})

export type CreateMultiShareInput = z.infer<typeof createMultiShareSchema>

/**
 * PATCH /api/shares/:id: absent fields stay as they are; null clears (no expiry, no limit, no
 * password, no title or message).
 */
export const updateShareSchema = z
  .object({
    title: titleSchema.nullish().transform((title) => (title === "" ? null : title)),
    message: messageSchema.nullish().transform((message) => (message === "" ? null : message)),
    expiresIn: createShareSchema.shape.expiresIn,
    maxDownloads: createShareSchema.shape.maxDownloads,
    password: z
      .string()
      .min(SHARE_PASSWORD_MIN_LENGTH, say("tooShort", { min: SHARE_PASSWORD_MIN_LENGTH }))
      .max(SHARE_PASSWORD_MAX_LENGTH, say("tooLong", { max: SHARE_PASSWORD_MAX_LENGTH }))
      .nullish(),
  })
  .strict()

export type UpdateShareInput = z.infer<typeof updateShareSchema>

export const shareEventsQuerySchema = z.object({
  cursor: resourceIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

/** What a recipient's request may carry: the password, or the ticket a "download all" was given. */
export const recipientAccessSchema = z.object({
  password: z.string().max(SHARE_PASSWORD_MAX_LENGTH).optional(),
  ticket: z.string().max(200).optional(),
})

export const redeemShareSchema = z.object({
  password: z.string().max(SHARE_PASSWORD_MAX_LENGTH).optional(),
})

export const listSharesQuerySchema = z.object({
  fileId: resourceIdSchema.optional(),
})
