import { type BodyCase, MISSING, TOO_BIG_INTEGERS, WRONG_TYPES, hostileNames } from "@/tests/support/bad-input/values"

/** Bodies of the account routes: sign-up, links mailed for passwords and addresses, settings, second factor, API tokens, and the admin's user management. */
export async function accountBodyCases(): Promise<Record<string, BodyCase>> {
  const auth = await import("@/lib/shared/validations/auth")
  const accountSchemas = await import("@/lib/shared/validations/account")
  const adminSchemas = await import("@/lib/shared/validations/admin")
  const account: BodyCase = {
    valid: { email: "newcomer@example.com", password: "perfectly-fine-9" },
    schema: auth.registerSchema,
    fields: {
      email: [
        MISSING,
        ...WRONG_TYPES,
        "",
        "not-an-email",
        "a@b\u0000.com",
        "a\u202e@example.com",
        `${"x".repeat(300)}@example.com`,
      ],
      password: [MISSING, ...WRONG_TYPES, "", "short", "x".repeat(257), "password123", 12_345_678],
      name: [42, [], "x".repeat(101), ...hostileNames("Ada Lovelace")],
    },
    others: [{ body: { email: "alice@example.com", password: "perfectly-fine-9" }, status: 409, code: "email_taken" }],
  }
  const badEmails = [MISSING, ...WRONG_TYPES, "", "not-an-email", "a@b\u0000.com", `${"x".repeat(300)}@example.com`]
  const badPasswords = [MISSING, ...WRONG_TYPES, "", "short", "x".repeat(257), "password123"]
  const badTokens = [MISSING, ...WRONG_TYPES, "", "x".repeat(201)]
  // Well-formed tokens that name nothing: whatever else is wrong, nothing can change.
  const passwordLink: BodyCase = {
    valid: { token: "A".repeat(43), password: "perfectly-fine-9" },
    schema: accountSchemas.passwordLinkSchema,
    fields: { token: badTokens, password: badPasswords },
    others: [
      { body: { token: "A".repeat(43), password: "perfectly-fine-9" }, status: 400, code: "invalid_link_token" },
    ],
  }
  const linkToken: BodyCase = {
    valid: { token: "A".repeat(43) },
    schema: accountSchemas.linkTokenSchema,
    fields: { token: badTokens },
    others: [{ body: { token: "A".repeat(43) }, status: 400, code: "invalid_link_token" }],
  }
  return {
    "POST register": account,
    "POST admin/users": account,
    "POST password-reset": {
      valid: { email: "nobody@example.com" },
      schema: accountSchemas.passwordResetRequestSchema,
      fields: { email: badEmails },
    },
    "POST password-reset/confirm": passwordLink,
    "POST invites/accept": passwordLink,
    "POST verify-email": linkToken,
    "POST confirm-email": linkToken,
    "PATCH account": {
      valid: { name: "Alice" },
      schema: accountSchemas.updateAccountSchema,
      fields: { name: [MISSING, 42, [], "x".repeat(101), ...hostileNames("Alice")], locale: ["xx", 42, null] },
    },
    "POST account/password": {
      valid: { currentPassword: "not-the-password", newPassword: "perfectly-fine-9" },
      schema: accountSchemas.changePasswordSchema,
      fields: { currentPassword: [MISSING, ...WRONG_TYPES, "", "x".repeat(257)], newPassword: badPasswords },
      others: [
        {
          body: { currentPassword: "not-the-password", newPassword: "perfectly-fine-9" },
          status: 403,
          code: "current_password_wrong",
        },
      ],
    },
    "POST account/email": {
      valid: { email: "elsewhere@example.com", currentPassword: "not-the-password" },
      schema: accountSchemas.changeEmailSchema,
      fields: { email: badEmails, currentPassword: [...WRONG_TYPES, "", "x".repeat(257)] },
      others: [
        {
          body: { email: "elsewhere@example.com", currentPassword: "not-the-password" },
          status: 403,
          code: "current_password_wrong",
        },
      ],
    },
    "POST account/totp/confirm": {
      valid: { code: "123456" },
      schema: accountSchemas.totpCodeSchema,
      fields: { code: [MISSING, ...WRONG_TYPES, "", "12345", "1234567", "abcdef", 123456] },
      others: [{ body: { code: "123456" }, status: 409, code: "totp_not_enrolled" }],
    },
    "DELETE account/totp": {
      valid: { currentPassword: "not-the-password" },
      schema: accountSchemas.disableTotpSchema,
      fields: { currentPassword: [MISSING, ...WRONG_TYPES, "", "x".repeat(257)] },
      others: [{ body: { currentPassword: "not-the-password" }, status: 403, code: "current_password_wrong" }],
    },
    "POST admin/invites": {
      valid: { email: "invitee@example.com" },
      schema: accountSchemas.inviteUserSchema,
      fields: { email: badEmails, name: [42, [], "x".repeat(101), ...hostileNames("Guest")] },
      others: [{ body: { email: "alice@example.com" }, status: 409, code: "email_taken" }],
    },
    "PATCH admin/users/[id]": {
      valid: { disabled: false },
      schema: adminSchemas.adminUpdateUserSchema,
      fields: {
        disabled: [MISSING, null, "true", 1, []],
        role: ["ROOT", "admin", 1, null],
        quotaBytes: ["1", -1, 1.5, 2 ** 50 + 1, ...TOO_BIG_INTEGERS],
        sneaky: [1, "x"],
      },
    },
    "POST tokens": {
      valid: { name: "ci" },
      schema: auth.createApiTokenSchema,
      fields: {
        name: [MISSING, ...WRONG_TYPES, "", "   ", "x".repeat(101), ...hostileNames("deploy bot")],
        expiresInDays: ["30", 0, -1, 366, 1.5, true, ...TOO_BIG_INTEGERS],
      },
    },
  }
}
