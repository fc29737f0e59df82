import { z } from "zod"
import {
  api,
  area,
  cursorSchema,
  named,
  noContent,
  timestamp,
  type Presented,
  type Wire,
} from "@/lib/shared/wire/common"
import { accountUserSchema, roleSchema } from "@/lib/shared/wire/account"
import { shareSchema } from "@/lib/shared/wire/shares"
import { storageCheckReportSchema } from "@/lib/shared/storage-check"
import { inviteUserSchema } from "@/lib/shared/validations/account"
import {
  adminAuditQuerySchema,
  adminBulkRevokeSchema,
  adminCreateUserSchema,
  adminFilesQuerySchema,
  adminSharesQuerySchema,
  adminUpdateUserSchema,
  adminUsersQuerySchema,
} from "@/lib/shared/validations/admin"

export const adminUserSchema = named(
  "AdminUser",
  "An account with what it stores and shares.",
  z.strictObject({
    id: z.string(),
    email: z.email(),
    name: z.string().nullable(),
    role: roleSchema,
    disabled: z.boolean(),
    createdAt: timestamp,
    files: z.number().int().min(0),
    usedBytes: z.number().int().min(0),
    quotaBytes: z.number().int().min(0).describe("The effective allowance: the user's own, or the server default"),
    hasCustomQuota: z.boolean(),
    activeShares: z.number().int().min(0),
    twoFactorEnabled: z.boolean(),
  }),
)
export type AdminUserRow = Presented<typeof adminUserSchema>
export type AdminUserWire = Wire<typeof adminUserSchema>

export const adminFileSchema = named(
  "AdminFile",
  "Any user's file, with its owner.",
  z.strictObject({
    id: z.string(),
    name: z.string(),
    size: z.number().int().min(0),
    type: z.string(),
    createdAt: timestamp,
    owner: z.strictObject({ id: z.string(), email: z.email() }),
    activeShares: z.number().int().min(0),
  }),
)
export type AdminFileRow = Presented<typeof adminFileSchema>
export type AdminFileWire = Wire<typeof adminFileSchema>

export const adminShareSchema = named(
  "AdminShare",
  "Any user's link, with its owner.",
  shareSchema.extend({ owner: z.strictObject({ id: z.string(), email: z.email() }) }),
)
export type AdminShareRow = Presented<typeof adminShareSchema>
export type AdminShareWire = Wire<typeof adminShareSchema>

export const auditEventSchema = named(
  "AuditEvent",
  "A minted key or an action, with who did it.",
  z.strictObject({
    id: z.string(),
    createdAt: timestamp,
    action: z.string().describe("upload.put, download.get, share.revoke, admin.user.update, …"),
    actor: z.strictObject({ id: z.string(), email: z.email(), name: z.string().nullable() }).nullable(),
    via: z.string().nullable().describe("session, token, share or request; null for the system"),
    method: z.string().nullable().describe("The HTTP method a minted key allows"),
    objectKey: z.string().nullable(),
    expiresAt: timestamp.nullable().describe("When a minted key dies"),
    uploadId: z.string().nullable(),
    fileId: z.string().nullable(),
    details: z.unknown().describe("Any JSON: what the action recorded"),
    subject: z.string().nullable().describe("What the event is about in words (a file name, a link, …)"),
  }),
)
export type AuditRow = Presented<typeof auditEventSchema>

export const overviewSchema = named(
  "Overview",
  "The console's totals and uploads/downloads per UTC day, oldest first, the last being today.",
  z.strictObject({
    users: z.number().int().min(0),
    disabledUsers: z.number().int().min(0),
    files: z.number().int().min(0),
    bytesStored: z.number().int().min(0),
    activeShares: z.number().int().min(0),
    keysMinted24h: z.number().int().min(0),
    days: z.array(
      z.strictObject({
        day: z.iso.date(),
        uploads: z.number().int().min(0),
        downloads: z.number().int().min(0),
      }),
    ),
  }),
)
export type Overview = Presented<typeof overviewSchema>
export type OverviewWire = Wire<typeof overviewSchema>

const page = <K extends string, S extends z.ZodType>(key: K, item: S) =>
  z.strictObject({ [key]: z.array(item), nextCursor: cursorSchema } as Record<K, z.ZodArray<S>> & {
    nextCursor: typeof cursorSchema
  })

export const ADMIN_OPERATIONS = area("Admin", [
  api("GET /api/admin/overview", "admin", "Totals and uploads/downloads per day", {
    200: z.strictObject({ overview: overviewSchema }),
  }),
  api("GET /api/admin/users", "admin", "Every account with its usage, oldest first", {
    query: adminUsersQuerySchema,
    200: page("users", adminUserSchema),
  }),
  api("POST /api/admin/users", "admin", "Create an account, also while registration is closed", {
    body: adminCreateUserSchema,
    201: z.strictObject({ user: accountUserSchema }),
    errors: ["email_taken", "busy"],
  }),
  api("PATCH /api/admin/users/{id}", "admin", "Disable or enable, promote or demote, set the quota", {
    body: adminUpdateUserSchema,
    204: noContent(),
    errors: ["last_admin"],
  }),
  api("DELETE /api/admin/users/{id}/totp", "admin", "Reset someone's second factor (audited)", { 204: noContent() }),
  api("POST /api/admin/invites", "admin", "Create an account and mail its owner a link to choose a password", {
    body: inviteUserSchema,
    201: z.strictObject({ user: accountUserSchema }),
    errors: ["email_taken", "mail_unavailable"],
  }),
  api("GET /api/admin/files", "admin", "Every file of every user, newest first", {
    query: adminFilesQuerySchema,
    200: page("files", adminFileSchema),
  }),
  api("DELETE /api/admin/files/{id}", "admin", "Delete anyone's file: object, row, and its links revoked", {
    204: noContent(),
    errors: ["storage_unavailable"],
  }),
  api("GET /api/admin/shares", "admin", "Every link of every user, newest first", {
    query: adminSharesQuerySchema,
    200: page("shares", adminShareSchema),
  }),
  api("POST /api/admin/shares/{id}/revoke", "admin", "Revoke any link; effective on its next request", {
    204: noContent(),
  }),
  api("POST /api/admin/shares/revoke", "admin", "Revoke many links at once, all or nothing", {
    body: adminBulkRevokeSchema,
    200: z.strictObject({ revoked: z.number().int().min(0).describe("How many were newly revoked") }),
  }),
  api("GET /api/admin/audit", "admin", "The audit log, newest first (`format=csv` answers text/csv instead)", {
    query: adminAuditQuerySchema,
    200: page("events", auditEventSchema),
  }),
  api("POST /api/admin/storage-check", "admin", "Run the storage self-test; mints 60 s keys for the page's own probe", {
    200: named(
      "StorageCheckReport",
      "One result per check (ok, or a fix), and the keys for the browser's PUT/GET/DELETE of a probe object.",
      storageCheckReportSchema,
    ),
    errors: ["storage_unavailable"],
  }),
])
