import { z } from "zod"
import { resourceIdSchema, searchText } from "@/lib/shared/validations/text"
import { MAX_FILES_PER_BATCH } from "@/lib/shared/validations/uploads"

export const FILE_SORTS = ["newest", "oldest", "name", "size"] as const

export const listFilesQuerySchema = z.object({
  cursor: resourceIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  /** Part of the name, any case; blank means every file. */
  q: searchText(255)
    .optional()
    .transform((q) => q || undefined),
  sort: z.enum(FILE_SORTS).default("newest"),
})

export type ListFilesQuery = z.infer<typeof listFilesQuerySchema>

/** POST /api/files/download: the files to mint a GET for, in the order the answer lists them. */
export const batchDownloadSchema = z.object({
  ids: z
    .array(z.string().min(1).max(100), { error: "ids must be an array of file ids" })
    .min(1, "Download at least one file")
    .max(MAX_FILES_PER_BATCH, `Download at most ${MAX_FILES_PER_BATCH} files at a time`)
    .refine((ids) => new Set(ids).size === ids.length, "File ids must be distinct"),
})

export type BatchDownload = z.infer<typeof batchDownloadSchema>
