import { z } from "zod"
import { say } from "@/lib/shared/validations/messages"
import { LOCALES } from "@/i18n/locales"
import { emailSchema, PASSWORD_MAX_LENGTH, passwordSchema } from "@/lib/shared/validations/auth"
import { displaySafe } from "@/lib/shared/validations/text"

/** A token from a mailed link; its shape is checked when it is spent (400 `invalid_link_token`). */
const linkToken = z
  .string({ error: say("linkTokenMissing") })
  .trim()
  .min(1)
  .max(200)
const currentPassword = z
  .string({ error: say("currentPasswordRequired") })
  .min(1, say("currentPasswordRequired"))
  .max(PASSWORD_MAX_LENGTH)

export const passwordResetRequestSchema = z.object({ email: emailSchema })

export const passwordLinkSchema = z.object({ token: linkToken, password: passwordSchema })

export const linkTokenSchema = z.object({ token: linkToken })

export const updateAccountSchema = z
  .object({
    name: displaySafe(
      z
        .string()
        .trim()
        .max(100, say("tooLong", { max: 100 })),
      "The name",
    )
      .transform((name) => name || null)
      .optional(),
    locale: z.enum(LOCALES).optional(),
  })
  // An empty PATCH is a client mistake, not a no-op to answer 200.
  .refine((input) => input.name !== undefined || input.locale !== undefined, {
    path: ["name"],
    message: "Send a name or a locale to change",
  })

export const changePasswordSchema = z
  .object({ currentPassword, newPassword: passwordSchema })
  .refine((input) => input.currentPassword !== input.newPassword, {
    path: ["newPassword"],
    message: say("passwordReused"),
  })

export const changeEmailSchema = z.object({ email: emailSchema, currentPassword: currentPassword.optional() })

export const totpCodeSchema = z.object({
  code: z
    .string({ error: say("codeRequired") })
    .trim()
    .regex(/^\d{6}$/, say("codeDigits")),
})

export const disableTotpSchema = z.object({ currentPassword })

export const inviteUserSchema = z.object({
  email: emailSchema,
  name: displaySafe(
    z
      .string()
      .trim()
      .max(100, say("tooLong", { max: 100 })),
    "The name",
  )
    .optional()
    .transform((name) => name || undefined),
})
