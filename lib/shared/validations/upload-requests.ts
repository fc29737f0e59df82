import { z } from "zod"
import { say } from "@/lib/shared/validations/messages"
import { displaySafe } from "@/lib/shared/validations/text"
import { SHARE_PASSWORD_MAX_LENGTH, SHARE_PASSWORD_MIN_LENGTH } from "@/lib/shared/validations/shares"

/** "image/png" or a whole family ("image/*"). */
const MEDIA_RANGE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]{0,126})$/
/** Header the /r/<token> page sends the link's password in (no cookie: nothing ambient to forge). */
export const UPLOAD_PASSWORD_HEADER = "x-upload-password"
/**
 * Header carrying the upload session the sender got for the right password (POST /api/r/<token>/session);
 * the API answers with a renewed one in the same header when it is past half its life.
 */
export const UPLOAD_SESSION_HEADER = "x-upload-session"

/** POST /api/r/<token>/session: the link's password, checked once for a session. */
export const unlockUploadRequestSchema = z.object({ password: z.string().max(SHARE_PASSWORD_MAX_LENGTH) })

export const UPLOAD_REQUEST_MAX_EXPIRY_SECONDS = 90 * 24 * 60 * 60

export const createUploadRequestSchema = z.object({
  title: displaySafe(
    z
      .string({ error: say("requestTitleRequired") })
      .trim()
      .min(1, say("requestTitleRequired"))
      .max(120, say("tooLong", { max: 120 })),
    "The title",
  ),
  message: displaySafe(
    z
      .string()
      .trim()
      .max(2000, say("tooLong", { max: 2000 })),
    "The message",
    { multiline: true },
  )
    .optional()
    .transform((message) => message || undefined),
  /** Seconds until the link stops taking files; null for never, absent for 7 days. */
  expiresIn: z
    .number()
    .int()
    .min(60, say("expiryTooShort"))
    .max(UPLOAD_REQUEST_MAX_EXPIRY_SECONDS, say("requestExpiryTooLong"))
    .nullish(),
  maxFiles: z.number().int().min(1, say("maxFilesTooFew")).max(1000).default(10),
  maxFileSize: z.number().int().min(1).optional(),
  maxTotalSize: z.number().int().min(1).optional(),
  allowedTypes: z
    .array(z.string().trim().toLowerCase().regex(MEDIA_RANGE, say("mediaTypes")))
    .max(20)
    .default([]),
  password: z
    .string()
    .max(SHARE_PASSWORD_MAX_LENGTH)
    .optional()
    .transform((password) => password || undefined)
    .refine(
      (password) => password === undefined || password.length >= SHARE_PASSWORD_MIN_LENGTH,
      say("tooShort", { min: SHARE_PASSWORD_MIN_LENGTH }),
    ),
})

export type CreateUploadRequestInput = z.infer<typeof createUploadRequestSchema>
