import { z } from "zod"
import { api, area, named, noContent, timestamp, type Presented, type Wire } from "@/lib/shared/wire/common"
import { errorBodySchema } from "@/lib/shared/wire/errors"
import { fileSchema } from "@/lib/shared/wire/files"
import {
  batchCompleteSchema,
  batchGrantSchema,
  completeUploadSchema,
  signPartsSchema,
  uploadRequestSchema,
} from "@/lib/shared/validations/uploads"

const storageKind = z.enum(["s3", "azure"]).describe("Which protocol the keys speak (Azure parts answer no ETag)")

/** A granted upload: one presigned PUT below the multipart threshold, else a multipart layout to sign parts for. */
export const uploadGrantSchema = named(
  "UploadGrant",
  "A granted upload: a presigned PUT with the headers to send, or a multipart layout whose parts are signed on request.",
  z.discriminatedUnion("multipart", [
    z.strictObject({
      id: z.string(),
      multipart: z.literal(false),
      url: z.url(),
      method: z.literal("PUT"),
      headers: z.record(z.string(), z.string()).describe("Send exactly these headers: they are signed into the URL"),
      expiresAt: timestamp,
      storage: storageKind,
    }),
    z.strictObject({
      id: z.string(),
      multipart: z.literal(true),
      partSize: z.number().int().min(1),
      partCount: z.number().int().min(1),
      expiresAt: timestamp,
      storage: storageKind,
    }),
  ]),
)
export type UploadGrant = Presented<typeof uploadGrantSchema>
export type UploadGrantWire = Wire<typeof uploadGrantSchema>

export const partUrlSchema = named(
  "PartUrl",
  "A presigned PUT for one part, signed for that part's exact length.",
  z.strictObject({
    partNumber: z.number().int().min(1),
    size: z.number().int().min(1),
    url: z.url(),
    expiresAt: timestamp,
  }),
)
export type PartUrl = Presented<typeof partUrlSchema>

export const storedPartSchema = named(
  "StoredPart",
  "A part storage already holds.",
  z.strictObject({
    partNumber: z.number().int().min(1),
    etag: z.string(),
    size: z.number().int().min(0),
    committed: z.literal(true).optional(),
  }),
)

export const grantResponseSchema = z.strictObject({ upload: uploadGrantSchema })
export const partUrlsResponseSchema = z.strictObject({ parts: z.array(partUrlSchema) })
export const storedPartsResponseSchema = z.strictObject({
  parts: z.array(storedPartSchema),
  listed: z.boolean().describe("false where storage cannot list parts: a resumed upload sends every part again"),
})
export const completedResponseSchema = z.strictObject({ file: fileSchema })

const completed = "The file, verified in storage; 201 the first time, 200 on a repeat"

/** One item of a batch that failed on its own, in the body every error has; the other items go on. */
const batchItemErrorSchema = errorBodySchema
export type BatchItemError = Presented<typeof batchItemErrorSchema>

export const batchGrantResultSchema = z.union([grantResponseSchema, batchItemErrorSchema])
export type BatchGrantResult = Presented<typeof batchGrantResultSchema>
export const batchGrantResponseSchema = named(
  "BatchGrant",
  "One result per file, in the order sent: its grant, or its own error.",
  z.strictObject({ results: z.array(batchGrantResultSchema) }),
)

export const batchCompleteResultSchema = z.union([
  z.strictObject({
    id: z.string(),
    file: fileSchema,
    created: z.boolean().describe("false on a repeat: the file was already recorded"),
  }),
  batchItemErrorSchema.extend({ id: z.string() }),
])
export type BatchCompleteResult = Presented<typeof batchCompleteResultSchema>
export type BatchGrantWire = Wire<typeof batchGrantResponseSchema>
export const batchCompleteResponseSchema = named(
  "BatchComplete",
  "One result per upload, in the order sent: its verified file, or its own error.",
  z.strictObject({ results: z.array(batchCompleteResultSchema) }),
)
export type BatchCompleteWire = Wire<typeof batchCompleteResponseSchema>

export const UPLOAD_OPERATIONS = area("Uploads", [
  api("POST /api/uploads", "user", "Grant an upload (a presigned PUT, or a multipart upload), or many with `{files}`", {
    body: z.union([uploadRequestSchema, batchGrantSchema]),
    201: grantResponseSchema,
    200: batchGrantResponseSchema,
    errors: ["file_too_large", "quota_exceeded", "rate_limited", "storage_unavailable"],
  }),
  api("POST /api/uploads/complete", "user", "Verify and record many uploads; each item answers on its own", {
    body: batchCompleteSchema,
    200: batchCompleteResponseSchema,
    errors: ["storage_unavailable"],
  }),
  api("DELETE /api/uploads/{id}", "user", "Cancel an upload and remove its partial data", {
    204: noContent(),
    errors: ["upload_completed", "storage_unavailable"],
  }),
  api("POST /api/uploads/{id}/parts", "user", "Presigned URLs for some parts of an open multipart upload", {
    body: signPartsSchema,
    200: partUrlsResponseSchema,
    errors: ["invalid_part_number", "upload_not_open", "not_multipart"],
  }),
  api("GET /api/uploads/{id}/parts", "user", "Parts storage already holds, to resume after a reload", {
    200: storedPartsResponseSchema,
    errors: ["upload_not_open", "not_multipart", "storage_unavailable"],
  }),
  api("POST /api/uploads/{id}/complete", "user", "Verify the object in storage, then record the file", {
    body: completeUploadSchema,
    200: completedResponseSchema,
    201: completedResponseSchema.describe(completed),
    errors: ["upload_incomplete", "upload_mismatch", "upload_not_open", "storage_unavailable"],
  }),
])
