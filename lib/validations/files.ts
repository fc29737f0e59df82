import { z } from "zod"

export const FILE_SORTS = ["newest", "oldest", "name", "size"] as const

export const listFilesQuerySchema = z.object({
  cursor: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  /** Part of the name, any case; blank means every file. */
  q: z
    .string()
    .trim()
    .max(255)
    .optional()
    .transform((q) => q || undefined),
  sort: z.enum(FILE_SORTS).default("newest"),
})

export type ListFilesQuery = z.infer<typeof listFilesQuerySchema>
