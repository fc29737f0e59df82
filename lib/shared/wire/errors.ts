import { z } from "zod"
import { ERROR_CODES, type ErrorCode } from "@/lib/shared/error-codes"
import { named } from "@/lib/shared/wire/common"

const CODES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]

export const errorCodeSchema = named(
  "ErrorCode",
  "Every code Valet answers with; each has one HTTP status (lib/shared/error-codes.ts).",
  z.enum(CODES),
)

/** Where a request failed validation: a dotted path into the input, and what is wrong there. */
export const issueSchema = z.strictObject({ path: z.string(), message: z.string() })
export type ValidationIssue = z.infer<typeof issueSchema>

/** The one error body (lib/errors.ts); `issues` only with invalid_request. */
export const errorBodySchema = named(
  "Error",
  "Every failure answers `{ error: { code, message } }`; invalid_request adds where the input is wrong.",
  z.strictObject({
    error: z.strictObject({
      code: errorCodeSchema,
      message: z.string(),
      issues: z.array(issueSchema).optional(),
    }),
  }),
)
export type ApiErrorBody = z.infer<typeof errorBodySchema>
