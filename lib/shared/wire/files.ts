import { z } from "zod"
import {
  api,
  area,
  cursorSchema,
  named,
  noContent,
  redirect,
  timestamp,
  type Presented,
  type Wire,
} from "@/lib/shared/wire/common"
import { batchDownloadSchema, listFilesQuerySchema } from "@/lib/shared/validations/files"
import { errorBodySchema } from "@/lib/shared/wire/errors"

/** A stored file as its owner sees it. */
export const fileSchema = named(
  "File",
  "A stored file (its bytes live in storage; `type` is the verified Content-Type).",
  z.strictObject({
    id: z.string(),
    name: z.string(),
    size: z.number().int().min(0),
    type: z.string(),
    createdAt: timestamp,
  }),
)
export type FileSummary = Presented<typeof fileSchema>
export type FileWire = Wire<typeof fileSchema>

export const fileListItemSchema = named(
  "FileListItem",
  "A file in the owner's list, with its live links and the upload request it came through.",
  fileSchema.extend({
    activeShares: z.number().int().min(0),
    fromRequest: z.strictObject({ id: z.string(), title: z.string() }).nullable(),
  }),
)
export type FileListItem = Presented<typeof fileListItemSchema>
export type FileListItemWire = Wire<typeof fileListItemSchema>

export const filePageSchema = named(
  "FilePage",
  "A page of the caller's files.",
  z.strictObject({ files: z.array(fileListItemSchema), nextCursor: cursorSchema }),
)

export const fileDownloadResultSchema = z.union([
  z.strictObject({
    id: z.string(),
    url: z.string().describe("A presigned GET of the file, as an attachment under its name"),
    expiresAt: timestamp,
  }),
  errorBodySchema.extend({ id: z.string() }),
])
export type FileDownloadResult = Presented<typeof fileDownloadResultSchema>
export const batchDownloadResponseSchema = named(
  "BatchDownload",
  "One result per file, in the order sent: a fresh presigned GET, or its own error.",
  z.strictObject({ results: z.array(fileDownloadResultSchema) }),
)

export const FILE_OPERATIONS = area("Files", [
  api("GET /api/files", "user", "The caller's files, a page at a time (newest first unless sorted)", {
    query: listFilesQuerySchema,
    200: filePageSchema,
  }),
  api("GET /api/files/{id}", "user", "One of the caller's files", { 200: z.strictObject({ file: fileSchema }) }),
  api("DELETE /api/files/{id}", "user", "Delete a file: its object, its row, and its links revoked (owner or admin)", {
    204: noContent(),
    errors: ["storage_unavailable"],
  }),
  api("GET /api/files/{id}/download", "user", "Download a file (owner or admin)", {
    302: redirect("A fresh presigned GET of the file, as an attachment under its name"),
  }),
  api(
    "POST /api/files/download",
    "user",
    "Presigned GETs for many files at once (owner or admin); each item answers on its own",
    {
      body: batchDownloadSchema,
      200: batchDownloadResponseSchema,
    },
  ),
])
