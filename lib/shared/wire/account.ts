import { z } from "zod"
import {
  api,
  area,
  messageSchema,
  named,
  noContent,
  timestamp,
  type Presented,
  type Wire,
} from "@/lib/shared/wire/common"
import {
  changeEmailSchema,
  changePasswordSchema,
  disableTotpSchema,
  linkTokenSchema,
  passwordLinkSchema,
  passwordResetRequestSchema,
  totpCodeSchema,
  updateAccountSchema,
} from "@/lib/shared/validations/account"
import { createApiTokenSchema, registerSchema } from "@/lib/shared/validations/auth"
import { ROLES } from "@/lib/shared/validations/admin"
import { notificationSettingsSchema } from "@/lib/shared/validations/notifications"

export const roleSchema = z.enum(ROLES)

export const accountUserSchema = named(
  "User",
  "An account: who it is and its role.",
  z.strictObject({ id: z.string(), email: z.email(), name: z.string().nullable(), role: roleSchema }),
)
export type AccountUserWire = Wire<typeof accountUserSchema>

export const accountOverviewSchema = named(
  "Account",
  "The signed-in account: email, verification, sign-in methods and quota.",
  accountUserSchema.extend({
    emailVerified: z.boolean(),
    hasPassword: z.boolean(),
    twoFactorEnabled: z.boolean(),
    quota: z.strictObject({ usedBytes: z.number().int().min(0), quotaBytes: z.number().int().min(0) }),
  }),
)
export type AccountOverview = Presented<typeof accountOverviewSchema>

export const notificationSettingsResultSchema = named(
  "NotificationSettings",
  "The account's mail switches.",
  z.strictObject({ notifyDownloads: z.boolean(), notifyUploadRequests: z.boolean(), notifyExpiry: z.boolean() }),
)
export type NotificationSettings = Presented<typeof notificationSettingsResultSchema>

export const apiTokenSchema = named(
  "ApiToken",
  "A personal API token; never its secret (only its creation answers with it).",
  z.strictObject({
    id: z.string(),
    name: z.string(),
    prefix: z.string().describe("The secret's first characters, to tell tokens apart"),
    createdAt: timestamp,
    expiresAt: timestamp.nullable(),
    lastUsedAt: timestamp.nullable().describe("To the minute"),
  }),
)
export type ApiTokenSummary = Presented<typeof apiTokenSchema>
export type ApiTokenWire = Wire<typeof apiTokenSchema>

export const newApiTokenSchema = named(
  "NewApiToken",
  "A new token with its secret, shown in this answer and nowhere else.",
  apiTokenSchema.extend({ secret: z.string() }),
)
export type NewApiTokenWire = Wire<typeof newApiTokenSchema>

export const totpEnrolmentSchema = z.strictObject({
  secret: z.string().describe("Base32, for typing into an authenticator app"),
  uri: z.string().describe("otpauth:// URI, for the QR code"),
})

export type TotpEnrolmentWire = Wire<typeof totpEnrolmentSchema>
export const recoveryCodesSchema = z.strictObject({ recoveryCodes: z.array(z.string()) })
export type RecoveryCodesWire = Wire<typeof recoveryCodesSchema>

const originNote = "Cookie-authenticated calls must come from the app's own origin (403 cross_origin_request)."
const mailLinkErrors = ["invalid_link_token", "rate_limited", "cross_origin_request"] as const

export const ACCOUNT_OPERATIONS = area("Account", [
  api("POST /api/register", "public", "Create an account (the first becomes an admin); mails a verification link", {
    body: registerSchema,
    201: z.strictObject({ user: accountUserSchema }),
    errors: ["registration_closed", "email_taken", "rate_limited", "cross_origin_request", "busy"],
  }),
  api("GET /api/account", "user", "The signed-in account", { 200: z.strictObject({ account: accountOverviewSchema }) }),
  api("PATCH /api/account", "user", "Change the display name", {
    body: updateAccountSchema,
    200: z.strictObject({ account: accountOverviewSchema }),
  }),
  api("POST /api/account/email", "user", "Mail a confirmation link to a new address", {
    body: changeEmailSchema,
    202: messageSchema,
    errors: ["current_password_wrong", "email_taken", "mail_unavailable", "rate_limited"],
  }),
  api("POST /api/account/password", "user", "Change the password; every other session ends", {
    body: changePasswordSchema,
    204: noContent("Changed; a session caller gets a fresh session cookie"),
    errors: ["current_password_wrong", "busy"],
  }),
  api("DELETE /api/account/sessions", "user", "Sign out everywhere, this session too", {
    204: noContent("Every session ended; the session cookie is cleared"),
  }),
  api("POST /api/account/verify-email", "user", "Mail a new verification link", {
    202: messageSchema,
    errors: ["conflict", "mail_unavailable", "rate_limited"],
  }),
  api("POST /api/account/totp", "user", "Start enrolling an authenticator app", {
    201: totpEnrolmentSchema,
    errors: ["totp_already_enabled"],
  }),
  api("POST /api/account/totp/confirm", "user", "Turn two-factor sign-in on; answers the recovery codes, once", {
    body: totpCodeSchema,
    200: recoveryCodesSchema,
    errors: ["invalid_otp", "totp_not_enrolled", "rate_limited"],
  }),
  api("DELETE /api/account/totp", "user", "Turn two-factor sign-in off", {
    body: disableTotpSchema,
    204: noContent(),
    errors: ["current_password_wrong"],
  }),
  api("GET /api/account/notifications", "user", "The caller's mail switches", {
    200: z.strictObject({ settings: notificationSettingsResultSchema }),
  }),
  api("PATCH /api/account/notifications", "user", "Change the caller's mail switches", {
    body: notificationSettingsSchema,
    200: z.strictObject({ settings: notificationSettingsResultSchema }),
  }),
  api("POST /api/password-reset", "public", "Mail a reset link if an account has this email; 202 either way", {
    body: passwordResetRequestSchema,
    202: messageSchema,
    errors: ["rate_limited", "cross_origin_request"],
  }),
  api("POST /api/password-reset/confirm", "public", "Set a new password from a reset link; ends every session", {
    body: passwordLinkSchema,
    204: noContent(),
    errors: mailLinkErrors.slice(),
  }),
  api("POST /api/invites/accept", "public", "An invited person chooses their password", {
    body: passwordLinkSchema,
    204: noContent(),
    errors: mailLinkErrors.slice(),
  }),
  api("POST /api/verify-email", "public", "The mailed verification link proves the address", {
    body: linkTokenSchema,
    204: noContent(),
    errors: ["invalid_link_token", "cross_origin_request"],
  }),
  api("POST /api/confirm-email", "public", "The link mailed to a new address makes it the account's email", {
    body: linkTokenSchema,
    204: noContent(),
    errors: ["invalid_link_token", "email_taken", "cross_origin_request"],
  }),
])

export const TOKEN_OPERATIONS = area("API tokens", [
  api("GET /api/tokens", "user", "The caller's active API tokens (never their secrets)", {
    200: z.strictObject({ tokens: z.array(apiTokenSchema) }),
  }),
  api("POST /api/tokens", "user", `Create a token; its secret is in this answer only. ${originNote}`, {
    body: createApiTokenSchema,
    201: z.strictObject({ token: newApiTokenSchema }),
    errors: ["token_limit"],
  }),
  api("DELETE /api/tokens/{id}", "user", "Revoke one of the caller's tokens", { 204: noContent() }),
])
