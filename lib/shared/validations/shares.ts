import { z } from "zod"
import { resourceIdSchema } from "@/lib/shared/validations/text"

export const SHARE_PASSWORD_MIN_LENGTH = 4
export const SHARE_PASSWORD_MAX_LENGTH = 256
/** Ten years: a bound for "custom" expiries so a typo cannot overflow a date. */
export const SHARE_EXPIRY_MAX_SECONDS = 10 * 365 * 24 * 60 * 60
export const SHARE_MAX_DOWNLOADS = 1_000_000

export const createShareSchema = z.object({
  /** Seconds until the link stops working; null for a link that never expires, absent for the default. */
  expiresIn: z
    .number({ error: "expiresIn must be a number of seconds" })
    .int("expiresIn must be a whole number of seconds")
    .min(60, "A link must live at least a minute")
    .max(SHARE_EXPIRY_MAX_SECONDS, "A link may live at most ten years")
    .nullish(),
  maxDownloads: z
    .number({ error: "maxDownloads must be a number" })
    .int("maxDownloads must be a whole number")
    .min(1, "Allow at least one download")
    .max(SHARE_MAX_DOWNLOADS)
    .nullish(),
  // Not trimmed: spaces are part of a password. An empty field means "no password".
  password: z
    .string()
    .max(SHARE_PASSWORD_MAX_LENGTH, `Use at most ${SHARE_PASSWORD_MAX_LENGTH} characters`)
    .optional()
    .transform((password) => password || undefined)
    .refine((password) => password === undefined || password.length >= SHARE_PASSWORD_MIN_LENGTH, `Use at least ${SHARE_PASSWORD_MIN_LENGTH} characters`),
})

export type CreateShareInput = z.infer<typeof createShareSchema>

export const redeemShareSchema = z.object({
  password: z.string().max(SHARE_PASSWORD_MAX_LENGTH).optional(),
})

export const listSharesQuerySchema = z.object({
  fileId: resourceIdSchema.optional(),
})
