import { route } from "@/lib/route"
import { requireRequestUploader } from "@/lib/upload-request-routes"

// POST /api/r/:token/password — is the password in the header right? 204 when it is, 401 when not
// (same checks and rate limit as every other call through the link); mints nothing.
export const POST = route("link", async ({ request, params }) => {
  await requireRequestUploader(request, params.token)
  return new Response(null, { status: 204 })
})
