import { route } from "@/lib/route"
import { PRIVATE_HEADERS, recipientRequest } from "@/lib/share-requests"
import { startDownloadAll } from "@/lib/shares"

/**
 * POST /s/:token/download-all `password?` — counts one download for the whole zip and answers
 * `{ticket, expiresAt, files, remainingDownloads}`; the browser then fetches each file through
 * /s/:token/files/:fileId/download with the ticket (a fresh key each, not counted again).
 */
export const POST = route("link", async ({ request, params }) => {
  const started = await startDownloadAll(await recipientRequest(request, params.token))
  return Response.json(started, { headers: PRIVATE_HEADERS })
})
