import { ApiError, handleApiError, readForm, readOptionalJson } from "@/lib/errors"
import { clientIp } from "@/lib/rate-limit"
import { route } from "@/lib/route"
import { redeemShare } from "@/lib/shares"
import { redeemShareSchema } from "@/lib/validations/shares"

// The Location is a working key: no cache may keep it, and storage must not learn the share page
// (whose URL holds the share token) through Referer.
const PRIVATE_HEADERS = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" }

const isFormPost = (request: Request) =>
  request.method === "POST" && /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(request.headers.get("content-type") ?? "")

async function readPassword(request: Request): Promise<string | undefined> {
  if (request.method !== "POST") return undefined
  if (isFormPost(request)) {
    // Capped like JSON (16 KiB): the share page's form holds one password field.
    const password = (await readForm(request)).get("password")
    return redeemShareSchema.parse({ password: typeof password === "string" ? password : undefined }).password
  }
  return redeemShareSchema.parse(await readOptionalJson(request)).password
}

const download = route("link", async ({ request, params }) => {
  try {
    const password = await readPassword(request)
    const get = await redeemShare({ token: params.token, password, ip: clientIp(request) })
    return new Response(null, { status: 302, headers: { Location: get.url, ...PRIVATE_HEADERS } })
  } catch (error) {
    // The share page's own form gets sent back to the page, which explains the failure; API
    // clients (curl, fetch with JSON) get the JSON error, and so does a body no page form sends.
    if (isFormPost(request) && error instanceof ApiError && error.code !== "body_too_large") {
      const page = `/s/${encodeURIComponent(params.token)}?error=${encodeURIComponent(error.code)}`
      return new Response(null, { status: 303, headers: { Location: page, ...PRIVATE_HEADERS } })
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
