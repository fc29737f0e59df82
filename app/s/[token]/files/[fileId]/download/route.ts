import { route } from "@/lib/route"
import { formFailure, keyResponse, recipientRequest } from "@/lib/share-requests"
import { downloadShareFile } from "@/lib/shares"

/**
 * GET|POST /s/:token/files/:fileId/download `password?` `ticket?` — counts one download (not
 * within a started "download all") and answers 302 to a 60 s attachment GET of that one file.
 */
const download = route("link", async ({ request, params }) => {
  try {
    const { remainingDownloads, ...key } = await downloadShareFile({
      ...(await recipientRequest(request, params.token)),
      fileId: params.fileId,
    })
    return keyResponse(request, key, { remainingDownloads })
  } catch (error) {
    const failure = formFailure(request, params.token, error)
    if (failure) return failure
    throw error
  }
})

export const GET = download
export const POST = download
