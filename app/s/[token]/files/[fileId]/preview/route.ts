import { route } from "@/lib/route"
import { keyResponse, recipientRequest } from "@/lib/share-requests"
import { previewShareFile } from "@/lib/shares"

/**
 * GET|POST /s/:token/files/:fileId/preview — 302 to a short inline GET (PREVIEW_URL_TTL_SECONDS)
 * for images, mp4/webm, audio, PDF and text (as text/plain); 404 no_preview for anything else.
 * Never counted as a download.
 */
const preview = route("link", async ({ request, params }) => {
  const key = await previewShareFile({ ...(await recipientRequest(request, params.token)), fileId: params.fileId })
  return keyResponse(request, key)
})

export const GET = preview
export const POST = preview
