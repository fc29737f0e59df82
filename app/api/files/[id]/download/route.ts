import { presignFileDownload } from "@/lib/files"
import { route } from "@/lib/route"

// GET /api/files/:id/download — 302 to a fresh presigned GET (owner or admin); the wrapper's
// no-store matters here: the Location is a key in itself and must not be cached anywhere.
export const GET = route("user", async ({ user, params }) => {
  const download = await presignFileDownload(user, params.id)
  return new Response(null, { status: 302, headers: { Location: download.url } })
})
