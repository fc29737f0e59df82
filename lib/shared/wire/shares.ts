import { z } from "zod"
import {
  api,
  area,
  cursorSchema,
  isoTimestamp,
  named,
  noContent,
  redirect,
  timestamp,
  type Presented,
  type Wire,
} from "@/lib/shared/wire/common"
import { SHARE_STATES } from "@/lib/shared/validations/admin"
import {
  sendShareRecipientsSchema,
  shareNotificationsSchema,
  shareRecipientsSchema,
} from "@/lib/shared/validations/notifications"
import {
  createMultiShareSchema,
  createShareSchema,
  listSharesQuerySchema,
  recipientAccessSchema,
  redeemShareSchema,
  shareEventsQuerySchema,
  updateShareSchema,
} from "@/lib/shared/validations/shares"

export const shareStateSchema = z.enum(SHARE_STATES)
export type ShareState = z.infer<typeof shareStateSchema>

export const shareFileSchema = named(
  "ShareFile",
  "One file of a link, as its owner and its recipients see it.",
  z.strictObject({ id: z.string(), name: z.string(), size: z.number().int().min(0), type: z.string() }),
)
export type ShareFileSummary = Presented<typeof shareFileSchema>
export type ShareFileWire = Wire<typeof shareFileSchema>

/** A link as its owner (or an admin) sees it; never its token. */
export const shareSchema = named(
  "Share",
  "A link as its owner or an admin sees it. A link left holding no file reads as revoked.",
  z.strictObject({
    id: z.string(),
    title: z.string().nullable(),
    message: z.string().nullable(),
    fileId: z.string().nullable().describe("The first file; null once the link holds none"),
    fileName: z.string().nullable(),
    files: z.array(shareFileSchema),
    totalSize: z.number().int().min(0),
    state: shareStateSchema,
    expiresAt: timestamp.nullable(),
    maxDownloads: z.number().int().nullable(),
    downloads: z.number().int().min(0),
    hasPassword: z.boolean(),
    createdAt: timestamp,
    revokedAt: timestamp.nullable(),
  }),
)
export type ShareSummary = Presented<typeof shareSchema>
export type ShareWire = Wire<typeof shareSchema>

/** In the owner's own lists: the link's URL again (null for links made before URLs were kept sealed). */
export const ownShareSchema = named(
  "OwnShare",
  "A link in its owner's list, with its URL.",
  shareSchema.extend({ url: z.url().nullable() }),
)
export type OwnShareWire = Wire<typeof ownShareSchema>

const sentTo = z.array(z.email()).describe("The addresses the link was mailed to in this request")

export const createdShareSchema = named(
  "CreatedShare",
  "A new link; `url` holds its token.",
  shareSchema.extend({ url: z.url() }),
)

export const createdSharesResponseSchema = z.strictObject({ share: createdShareSchema.extend({ sentTo }) })
export type CreatedSharesResponseWire = Wire<typeof createdSharesResponseSchema>

export const shareEventSchema = named(
  "ShareEvent",
  "One entry of a link's access log (the address is truncated).",
  z.strictObject({
    id: z.string(),
    at: timestamp,
    kind: z.enum(["view", "preview", "download", "download_all"]),
    fileId: z.string().nullable(),
    ip: z.string(),
    userAgent: z.string().nullable(),
  }),
)
export type ShareEventWire = Wire<typeof shareEventSchema>

export const shareDetailSchema = named(
  "ShareDetail",
  "A link with a page of its access log, newest first; `url` only for its owner.",
  z.strictObject({
    share: shareSchema.extend({ url: z.url().nullable() }),
    events: z.array(shareEventSchema),
    nextCursor: cursorSchema,
  }),
)
export type ShareDetailWire = Wire<typeof shareDetailSchema>

export const shareNotificationsResultSchema = z.strictObject({
  notifyDownloads: z.boolean(),
  notifyExpiry: z.boolean(),
})

export const shareRecipientsResultSchema = named(
  "ShareRecipients",
  "Who a link was mailed to, newest first, and the link's own mail switches.",
  z.strictObject({
    recipients: z.array(z.strictObject({ email: z.email(), sentAt: isoTimestamp })),
    notifyDownloads: z.boolean(),
    notifyExpiry: z.boolean(),
  }),
)
export type ShareRecipientsWire = Wire<typeof shareRecipientsResultSchema>

/** A minted key as JSON, for the share page's scripts (`Accept: application/json`). */
const keySchema = z.strictObject({ url: z.url(), expiresAt: timestamp })
export const downloadKeySchema = keySchema.extend({ remainingDownloads: z.number().int().nullable() })
export type DownloadKeyWire = Wire<typeof downloadKeySchema>
export const downloadAllSchema = named(
  "DownloadAll",
  'A started "download all": the ticket fetches each file once without counting again.',
  z.strictObject({
    ticket: z.string(),
    expiresAt: timestamp,
    files: z.array(shareFileSchema),
    remainingDownloads: z.number().int().min(0).nullable(),
  }),
)
export type DownloadAllWire = Wire<typeof downloadAllSchema>

/** lib/shares/signed.ts SHARE_UNLOCK_COOKIE: set by POST /s/{token}/unlock, it opens a link with a password. */
const UNLOCK_COOKIE = { valet_share_unlock: "Set by POST /s/{token}/unlock: opens a link that has a password" }
const keyOrRedirect = "302 to a fresh presigned GET; with `Accept: application/json`, the key as JSON instead"
const linkErrors = ["password_required", "wrong_password", "share_revoked", "share_expired", "rate_limited"] as const

export const SHARE_OPERATIONS = area("Shares", [
  api("GET /api/shares", "user", "The caller's links, newest first (`fileId`: only those holding that file)", {
    query: listSharesQuerySchema,
    errors: ["not_found"],
    200: z.strictObject({ shares: z.array(ownShareSchema) }),
  }),
  api("POST /api/shares", "user", "One link for 1..500 of the caller's files, optionally mailed to recipients", {
    body: createMultiShareSchema.extend(shareRecipientsSchema.shape),
    201: createdSharesResponseSchema,
    errors: ["share_expiry_too_long", "rate_limited", "mail_unavailable"],
  }),
  api("GET /api/shares/{id}", "user", "A link with a page of its access log (owner or admin)", {
    query: shareEventsQuerySchema,
    200: shareDetailSchema,
  }),
  api("PATCH /api/shares/{id}", "user", "Edit a live link (null clears), and mail it to recipients", {
    body: updateShareSchema.extend(shareRecipientsSchema.shape),
    200: z.strictObject({ share: shareSchema.extend({ sentTo }) }),
    errors: ["share_not_active", "share_expiry_too_long", "rate_limited", "mail_unavailable"],
  }),
  api("DELETE /api/shares/{id}", "user", "Revoke a link (owner or admin); effective on its next request", {
    204: noContent(),
  }),
  api("PATCH /api/shares/{id}/notifications", "user", "This link's own mail switches", {
    body: shareNotificationsSchema,
    200: z.strictObject({ notifications: shareNotificationsResultSchema }),
  }),
  api("GET /api/shares/{id}/recipients", "user", "Who the link was mailed to (owner only)", {
    200: shareRecipientsResultSchema,
  }),
  api("POST /api/shares/{id}/recipients", "user", "Mail the link to up to 20 addresses", {
    body: sendShareRecipientsSchema,
    202: z.strictObject({ sentTo }),
    errors: ["share_not_active", "rate_limited", "mail_unavailable"],
  }),
  api("POST /api/files/{id}/shares", "user", "A link to one file (the one-file form of POST /api/shares)", {
    body: createShareSchema,
    optionalBody: true,
    201: z.strictObject({ share: createdShareSchema }),
    errors: ["share_expiry_too_long"],
  }),
  api("GET /api/files/{id}/shares", "user", "The caller's links holding one file", {
    200: z.strictObject({ shares: z.array(ownShareSchema) }),
  }),
])

export const SHARE_LINK_OPERATIONS = area("Share links (recipients)", [
  api("GET /s/{token}/download", "link", "Download the file of a one-file link without a password", {
    302: redirect("A fresh 60 s presigned GET, as an attachment"),
    303: redirect("A link-preview bot is sent to the share page: nothing counted, nothing minted"),
    errors: [...linkErrors, "share_used_up", "share_has_many_files", "storage_unavailable"],
  }),
  api("HEAD /s/{token}/download", "link", "Whether the link would serve a download, without using one up", {
    200: noContent("The link is live"),
    errors: ["share_revoked", "share_expired", "share_used_up"],
  }),
  api("POST /s/{token}/download", "link", "Download the file of a one-file link, with its password", {
    body: redeemShareSchema,
    form: true,
    302: redirect("A fresh 60 s presigned GET, as an attachment"),
    303: redirect("The share page's form is sent back to the page, which explains a failure"),
    errors: [...linkErrors, "share_used_up", "share_has_many_files", "storage_unavailable"],
  }),
  api("POST /s/{token}/download-all", "link", "Count one download for the whole zip and get a ticket", {
    body: recipientAccessSchema,
    form: true,
    cookies: UNLOCK_COOKIE,
    200: downloadAllSchema,
    errors: [...linkErrors, "share_used_up"],
  }),
  ...(["GET", "POST"] as const).flatMap((method) => [
    api(
      `${method} /s/{token}/files/{fileId}/download`,
      "link",
      "Download one file of a link (counted, unless within a ticket)",
      {
        ...(method === "POST" ? { body: recipientAccessSchema, form: true } : {}),
        cookies: UNLOCK_COOKIE,
        200: downloadKeySchema.describe("With `Accept: application/json`: the key as JSON"),
        302: redirect(keyOrRedirect),
        errors: [...linkErrors, "share_used_up", "storage_unavailable"],
      },
    ),
    api(
      `${method} /s/{token}/files/{fileId}/preview`,
      "link",
      "Preview one file inline (safe types only; never counted)",
      {
        ...(method === "POST" ? { body: recipientAccessSchema, form: true } : {}),
        cookies: UNLOCK_COOKIE,
        200: keySchema.describe("With `Accept: application/json`: the key as JSON"),
        302: redirect("302 to a short inline GET; with `Accept: application/json`, the key as JSON instead"),
        errors: [...linkErrors, "no_preview", "storage_unavailable"],
      },
    ),
  ]),
  api("POST /s/{token}/unlock", "link", "A right password sets the link's unlock cookie", {
    body: redeemShareSchema,
    form: true,
    204: noContent("Unlocked: Set-Cookie carries the unlock cookie"),
    303: redirect("The share page's form goes back to the page"),
    errors: linkErrors.slice(),
  }),
])
