import { z } from "zod"
import { resourceIdSchema, searchText } from "@/lib/shared/validations/text"

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
