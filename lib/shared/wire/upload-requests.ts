import { z } from "zod"
import { api, area, named, noContent, timestamp, type Presented, type Wire } from "@/lib/shared/wire/common"
import { fileSchema } from "@/lib/shared/wire/files"
import { grantResponseSchema, partUrlsResponseSchema, storedPartsResponseSchema } from "@/lib/shared/wire/uploads"
import {
  createUploadRequestSchema,
  UPLOAD_PASSWORD_HEADER,
  UPLOAD_SESSION_HEADER,
  unlockUploadRequestSchema,
} from "@/lib/shared/validations/upload-requests"
import { completeUploadSchema, signPartsSchema, uploadRequestSchema } from "@/lib/shared/validations/uploads"

export const uploadRequestStateSchema = z.enum(["open", "expired", "closed"])
export type UploadRequestState = z.infer<typeof uploadRequestStateSchema>

export const uploadRequestSummarySchema = named(
  "UploadRequest",
  "A write-only link others send files through, with what it has received.",
  z.strictObject({
    id: z.string(),
    title: z.string(),
    message: z.string().nullable(),
    expiresAt: timestamp.nullable(),
    maxFiles: z.number().int().min(1),
    maxFileSize: z.number().int().min(1),
    maxTotalSize: z.number().int().min(1),
    allowedTypes: z.array(z.string()).describe("Media types or families (image/*); empty for any"),
    hasPassword: z.boolean(),
    state: uploadRequestStateSchema,
    createdAt: timestamp,
    filesReceived: z.number().int().min(0),
    bytesReceived: z.number().int().min(0),
  }),
)
export type UploadRequestSummary = Presented<typeof uploadRequestSummarySchema>
export type UploadRequestWire = Wire<typeof uploadRequestSummarySchema>

export const createdUploadRequestSchema = z.strictObject({
  uploadRequest: uploadRequestSummarySchema.extend({ url: z.url() }),
})
export type CreatedUploadRequestWire = Wire<typeof createdUploadRequestSchema>

export const uploadRequestDetailSchema = named(
  "UploadRequestDetail",
  "One upload request and the files it received, newest first.",
  z.strictObject({ request: uploadRequestSummarySchema, files: z.array(fileSchema) }),
)
export type UploadRequestDetail = Presented<typeof uploadRequestDetailSchema>

export const uploadSessionSchema = named(
  "UploadSession",
  `Sent back in the ${UPLOAD_SESSION_HEADER} header, it replaces the link's password on every further call.`,
  z.strictObject({ token: z.string(), expiresAt: timestamp }),
)

export const uploadSessionResponseSchema = z.strictObject({ session: uploadSessionSchema })
export type UploadSessionResponseWire = Wire<typeof uploadSessionResponseSchema>

const SENDER_HEADERS = {
  [UPLOAD_PASSWORD_HEADER]: "The link's password (API clients), or:",
  [UPLOAD_SESSION_HEADER]:
    "An upload session from POST /api/r/{token}/session; a renewed one comes back in this header",
}
const senderErrors = ["request_closed", "invalid_upload_session", "password_required", "wrong_password"] as const

export const UPLOAD_REQUEST_OPERATIONS = area("Upload requests", [
  api("GET /api/upload-requests", "user", "The caller's upload requests with what each received", {
    200: z.strictObject({ uploadRequests: z.array(uploadRequestSummarySchema) }),
  }),
  api("POST /api/upload-requests", "user", "A write-only link others can send files through (URL shown once)", {
    body: createUploadRequestSchema,
    201: createdUploadRequestSchema,
  }),
  api("GET /api/upload-requests/{id}", "user", "One request and the files it received", {
    200: uploadRequestDetailSchema,
  }),
  api("POST /api/upload-requests/{id}/close", "user", "Stop taking files at once (owner or admin)", {
    204: noContent(),
  }),
])

export const UPLOAD_REQUEST_SENDER_OPERATIONS = area("Upload requests (senders)", [
  api("POST /api/r/{token}/session", "link", "Check the link's password once, for an upload session", {
    body: unlockUploadRequestSchema,
    201: uploadSessionResponseSchema,
    errors: [...senderErrors, "rate_limited"],
  }),
  api("POST /api/r/{token}/password", "link", "Whether the password in the header is right; mints nothing", {
    headers: SENDER_HEADERS,
    204: noContent("The password is right"),
    errors: [...senderErrors, "rate_limited"],
  }),
  api("POST /api/r/{token}/uploads", "link", "Ask to send one file through the link", {
    headers: SENDER_HEADERS,
    body: uploadRequestSchema,
    201: grantResponseSchema,
    errors: [...senderErrors, "request_full", "request_total_exceeded", "type_not_allowed", "file_too_large"],
  }),
  api("DELETE /api/r/{token}/uploads/{id}", "link", "Cancel an upload still in flight", {
    headers: SENDER_HEADERS,
    204: noContent(),
    errors: [...senderErrors, "upload_completed"],
  }),
  api("POST /api/r/{token}/uploads/{id}/parts", "link", "Part URLs for the sender's multipart upload", {
    headers: SENDER_HEADERS,
    body: signPartsSchema,
    200: partUrlsResponseSchema,
    errors: [...senderErrors, "invalid_part_number", "upload_not_open", "not_multipart"],
  }),
  api("GET /api/r/{token}/uploads/{id}/parts", "link", "Parts storage holds, to resume", {
    headers: SENDER_HEADERS,
    200: storedPartsResponseSchema,
    errors: [...senderErrors, "upload_not_open", "not_multipart"],
  }),
  api("POST /api/r/{token}/uploads/{id}/complete", "link", "Verify the sender's object and record it for the owner", {
    headers: SENDER_HEADERS,
    body: completeUploadSchema,
    200: z.strictObject({ file: fileSchema.pick({ name: true, size: true, type: true }) }),
    201: z
      .strictObject({ file: fileSchema.pick({ name: true, size: true, type: true }) })
      .describe("What arrived, never where it lives; 201 the first time, 200 on a repeat"),
    errors: [...senderErrors, "upload_incomplete", "upload_mismatch", "upload_not_open"],
  }),
])
