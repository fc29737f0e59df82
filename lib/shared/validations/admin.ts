import { z } from "zod"
import { say } from "@/lib/shared/validations/messages"
import { registerSchema } from "@/lib/shared/validations/auth"
import { resourceIdSchema, searchText } from "@/lib/shared/validations/text"

export const SHARE_STATES = ["active", "expired", "used_up", "revoked"] as const
export const ROLES = ["USER", "ADMIN"] as const
/** 1 PiB: far above any real allowance, and still exact as a JavaScript number. */
export const MAX_QUOTA_BYTES = 2 ** 50
export const BULK_REVOKE_MAX = 100
/** Rows one CSV export may hold; narrow the filters for more. */
export const AUDIT_CSV_MAX_ROWS = 50_000

// A blank filter field in a form means "no filter", not "match the empty string".
const optionalText = (max: number) =>
  searchText(max)
    .optional()
    .transform((value) => value || undefined)

const page = {
  cursor: resourceIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
}

export const adminUsersQuerySchema = z.object({ ...page, q: optionalText(254) })

export const adminUpdateUserSchema = z
  .object({
    disabled: z.boolean().optional(),
    role: z.enum(ROLES).optional(),
    /** Bytes the user may hold; null goes back to the server default (USER_QUOTA_BYTES). */
    quotaBytes: z
      .number()
      .int("quotaBytes must be a whole number of bytes")
      .min(0)
      .max(MAX_QUOTA_BYTES)
      .nullable()
      .optional(),
  })
  .strict()
  .refine((input) => input.disabled !== undefined || input.role !== undefined || input.quotaBytes !== undefined, {
    message: "Send at least one of disabled, role, quotaBytes",
  })

export type AdminUpdateUserInput = z.infer<typeof adminUpdateUserSchema>

export const adminCreateUserSchema = registerSchema

export const adminSharesQuerySchema = z.object({
  ...page,
  state: z
    .enum(SHARE_STATES)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** Part of the owner's email, any case. */
  owner: optionalText(254),
  /** Part of the file's name, any case. */
  q: optionalText(255),
})

export type AdminSharesQuery = z.infer<typeof adminSharesQuerySchema>

export const adminBulkRevokeSchema = z.object({
  ids: z.array(resourceIdSchema).min(1, say("linksRequired")).max(BULK_REVOKE_MAX),
})

const byteCount = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
// An empty query parameter (from a form) would otherwise coerce to 0.
const optionalBytes = z.preprocess((value) => (value === "" ? undefined : value), byteCount.optional())

export const adminFilesQuerySchema = z.object({
  ...page,
  owner: optionalText(254),
  q: optionalText(255),
  minSize: optionalBytes,
  maxSize: optionalBytes,
})

export type AdminFilesQuery = z.infer<typeof adminFilesQuerySchema>

const optionalDate = z.preprocess((value) => (value === "" ? undefined : value), z.coerce.date().optional())

export const adminAuditQuerySchema = z
  .object({
    ...page,
    /** The actor's email (exact, any case) or id. */
    user: optionalText(254),
    /** An action ("share.revoke") or its prefix up to a dot ("upload" matches upload.put and upload.part). */
    action: z
      .string()
      .trim()
      .max(100)
      .regex(/^[a-z_.]*$/, "Actions are lower-case words separated by dots")
      .optional()
      .transform((value) => value || undefined),
    from: optionalDate,
    to: optionalDate,
    format: z.enum(["json", "csv"]).default("json"),
  })
  .refine((query) => !query.from || !query.to || query.from <= query.to, {
    path: ["to"],
    message: "`to` must not be before `from`",
  })

export type AdminAuditQuery = z.infer<typeof adminAuditQuerySchema>
