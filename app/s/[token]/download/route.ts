import { ApiError, handleApiError, readOptionalJson } from "@/lib/errors"
import { clientIp } from "@/lib/rate-limit"
import { route } from "@/lib/route"
import { redeemShare } from "@/lib/shares"
import { redeemShareSchema } from "@/lib/shared/validations/shares"

// The Location is a working key: no cache may keep it (the wrapper sets no-store), and storage must
// not learn the share page (whose URL holds the share token) through Referer.
const NO_REFERRER = { "Referrer-Policy": "no-referrer" }

const isFormPost = (request: Request) =>
  request.method === "POST" && /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(request.headers.get("content-type") ?? "")

async function readPassword(request: Request): Promise<string | undefined> {
  if (request.method !== "POST") return undefined
  if (isFormPost(request)) {
    const form = await request.formData().catch(() => {
      throw new ApiError("invalid_form", "Request body must be a valid form")
    })
    const password = form.get("password")
    return redeemShareSchema.parse({ password: typeof password === "string" ? password : undefined }).password
  }
  return redeemShareSchema.parse(await readOptionalJson(request)).password
}

const download = route("link", async ({ request, params: { token } }) => {
  try {
    const password = await readPassword(request)
    const get = await redeemShare({ token, password, ip: clientIp(request) })
    return new Response(null, { status: 302, headers: { Location: get.url, ...NO_REFERRER } })
  } catch (error) {
    // The share page's own form gets sent back to the page, which explains the failure; API
    // clients (curl, fetch with JSON) get the JSON error.
    if (isFormPost(request) && error instanceof ApiError) {
      const page = `/s/${encodeURIComponent(token)}?error=${encodeURIComponent(error.code)}`
      return new Response(null, { status: 303, headers: { Location: page, ...NO_REFERRER } })
    }
    const response = handleApiError(error)
    response.headers.set("Referrer-Policy", "no-referrer")
    return response
  }
})

// GET /s/:token/download — a link without a password: 302 to a fresh presigned GET
export const GET = download

// POST /s/:token/download `password` (JSON or the share page's form) — same, with the password
export const POST = download
