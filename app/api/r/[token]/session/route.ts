import { readJson } from "@/lib/errors"
import { clientIp } from "@/lib/rate-limit"
import { route } from "@/lib/route"
import { unlockUploadRequest } from "@/lib/upload-requests"
import { unlockUploadRequestSchema } from "@/lib/shared/validations/upload-requests"

// POST /api/r/:token/session `{password}` — the link's password, checked once, for an upload session
export const POST = route("link", async ({ request, params }) => {
  const { password } = unlockUploadRequestSchema.parse(await readJson(request))
  const session = await unlockUploadRequest({ token: params.token, password, ip: clientIp(request) })
  return Response.json({ session }, { status: 201 })
})
