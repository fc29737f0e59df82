import { z } from "zod"
import { say } from "@/lib/shared/validations/messages"
import { S3_MAX_PARTS } from "@/lib/shared/upload-layout"
import { displaySafe } from "@/lib/shared/validations/text"

/**
 * RFC 6838 type/subtype, optionally with parameters ("text/plain; charset=utf-8"). It becomes a
 * signed Content-Type header, so only header-safe ASCII: spaces or tabs around ";", and quoted
 * values of printable ASCII (no line breaks, controls or non-ASCII, which no HTTP header may carry).
 */
const MIME_TYPE =
  /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}([ \t]*;[ \t]*[a-z0-9!#$&^_.+-]+=("[\x20\x21\x23-\x5b\x5d-\x7e]*"|[a-z0-9!#$&^_.+-]+))*$/i

export const FILE_NAME_MAX_LENGTH = 255
export const MAX_PARTS_PER_SIGNING = 100
/**
 * A completion may list every part of an upload, up to S3's 10,000 (about 70 bytes each as the
 * browser sends them): the one body allowed past JSON_BODY_MAX_BYTES.
 */
export const COMPLETE_UPLOAD_BODY_MAX_BYTES = 1024 * 1024

export const uploadRequestSchema = z.object({
  // A display name only (the object key never derives from it): "../x" is a harmless name, but
  // controls and bidi overrides would reach Content-Disposition headers, the UI and logs.
  name: displaySafe(
    z
      .string({ error: say("fileNameRequired") })
      .trim()
      .min(1, say("fileNameRequired"))
      .max(FILE_NAME_MAX_LENGTH, say("tooLong", { max: FILE_NAME_MAX_LENGTH })),
    "The name",
  ),
  size: z.number({ error: "size must be a number of bytes" }).int("size must be a whole number of bytes").min(0),
  type: z
    .string()
    .trim()
    .max(255)
    .optional()
    .transform((type) => type || "application/octet-stream")
    .refine((type) => MIME_TYPE.test(type), "type must be a media type such as image/png"),
  /** SHA-256 of the content, base64 (44 characters), as S3's x-amz-checksum-sha256 wants it. */
  sha256: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, "sha256 must be the base64 SHA-256 of the content")
    .optional(),
})

export type UploadRequest = z.infer<typeof uploadRequestSchema>

export const signPartsSchema = z.object({
  partNumbers: z
    .array(
      z
        .number()
        .int("part numbers are whole numbers")
        .min(1, "Part numbers start at 1")
        .max(S3_MAX_PARTS, `Part numbers end at ${S3_MAX_PARTS}`),
    )
    .min(1, "Ask for at least one part")
    .max(MAX_PARTS_PER_SIGNING, `Ask for at most ${MAX_PARTS_PER_SIGNING} parts at a time`)
    .refine((numbers) => new Set(numbers).size === numbers.length, "Part numbers must be distinct"),
})

/**
 * Many files in one call (POST /api/uploads with an array, POST /api/uploads/complete): for a
 * folder of small files three calls per file cost more app CPU than their bytes. Each item is
 * still granted, verified and audited on its own; the cap bounds one request's work and body.
 */
export const MAX_FILES_PER_BATCH = 100
/** 100 grant items with 255-character names and a checksum each fit with room to spare. */
export const BATCH_GRANT_BODY_MAX_BYTES = 128 * 1024

/**
 * The batch form of a grant, `{ files: [ {name,size,type?,sha256?}, … ] }`: the key `files`
 * selects it. Items are parsed one by one, so a bad item fails alone.
 */
export const batchGrantSchema = z.object({
  files: z
    .array(z.unknown(), { error: "files must be an array of { name, size, type?, sha256? }" })
    .min(1, "Send at least one file")
    .max(MAX_FILES_PER_BATCH, `Send at most ${MAX_FILES_PER_BATCH} files at a time`),
})

/** Whether a grant body asks for the batch form (it has `files`). */
export const isBatchGrant = (body: unknown): boolean =>
  typeof body === "object" && body !== null && !Array.isArray(body) && Object.hasOwn(body, "files")

const completePartsSchema = z
  .array(z.object({ partNumber: z.number().int().min(1), etag: z.string().min(1).max(200) }))
  .max(10_000)

export const batchCompleteSchema = z.object({
  uploads: z
    .array(
      z.object({
        id: z.string().min(1).max(100),
        /** Multipart only, where storage cannot list parts itself (as in the one-upload form). */
        parts: completePartsSchema.optional(),
      }),
      { error: "uploads must be an array of { id }" },
    )
    .min(1, "Complete at least one upload")
    .max(MAX_FILES_PER_BATCH, `Complete at most ${MAX_FILES_PER_BATCH} uploads at a time`)
    .refine(
      (uploads) => new Set(uploads.map((upload) => upload.id)).size === uploads.length,
      "Upload ids must be distinct",
    ),
})

export type BatchComplete = z.infer<typeof batchCompleteSchema>

export const completeUploadSchema = z
  .object({
    /** What the browser saw per part; used only where storage cannot list parts itself. */
    parts: completePartsSchema.optional(),
  })
  .default({})
