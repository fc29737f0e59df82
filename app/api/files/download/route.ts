import { readJson } from "@/lib/errors"
import { presignFileDownloads } from "@/lib/files"
import { route } from "@/lib/route"
import { batchDownloadSchema } from "@/lib/shared/validations/files"

// POST /api/files/download `{ids}` — a fresh presigned GET for each file (owner or admin): 200 with
// one result per id, in order; an id the caller may not read is that item's 404. The URLs are keys
// in themselves: the wrapper's no-store keeps them out of every cache.
export const POST = route("user", async ({ request, user }) => {
  const { ids } = batchDownloadSchema.parse(await readJson(request))
  return Response.json({ results: await presignFileDownloads(user, ids) })
})
