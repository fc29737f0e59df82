import { ApiError, handleApiError, readForm, readOptionalJson } from "@/lib/errors"
import { isLinkPreviewBot } from "@/lib/link-preview-bots"
import { clientIp } from "@/lib/rate-limit"
import { route } from "@/lib/route"
import { describeShare, redeemShare, shareGone } from "@/lib/shares"
import { redeemShareSchema } from "@/lib/shared/validations/shares"

// The Location is a working key: no cache may keep it (the wrapper sets no-store), and storage must
// not learn the share page (whose URL holds the share token) through Referer.
const NO_REFERRER = { "Referrer-Policy": "no-referrer" }

const isFormPost = (request: Request) =>
  request.method === "POST" &&
  /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(request.headers.get("content-type") ?? "")

async function readPassword(request: Request): Promise<string | undefined> {
  if (request.method !== "POST") return undefined
  if (isFormPost(request)) {
    // Capped like JSON (16 KiB): the share page's form holds one password field.
    const password = (await readForm(request)).get("password")
    return redeemShareSchema.parse({ password: typeof password === "string" ? password : undefined }).password
  }
  return redeemShareSchema.parse(await readOptionalJson(request)).password
}

async function download(request: Request, token: string): Promise<Response> {
  try {
    const password = await readPassword(request)
    const get = await redeemShare({ token, password, ip: clientIp(request) })
    return new Response(null, { status: 302, headers: { Location: get.url, ...NO_REFERRER } })
  } catch (error) {
    // The share page's own form gets sent back to the page, which explains the failure; API
    // clients (curl, fetch with JSON) get the JSON error, and so does a body no page form sends.
    if (isFormPost(request) && error instanceof ApiError && error.code !== "body_too_large") {
      const page = `/s/${encodeURIComponent(token)}?error=${encodeURIComponent(error.code)}`
      return new Response(null, { status: 303, headers: { Location: page, ...NO_REFERRER } })
    }
    const response = handleApiError(error)
    response.headers.set("Referrer-Policy", "no-referrer")
    return response
  }
}

// GET /s/:token/download — a link without a password: 302 to a fresh presigned GET. A link-preview
// bot (a chat building a card) is sent to the share page instead: nothing counted, nothing minted.
export const GET = route("link", async ({ request, params }) => {
  if (isLinkPreviewBot(request.headers.get("user-agent"))) {
    return new Response(null, {
      status: 303,
      headers: { Location: `/s/${encodeURIComponent(params.token)}`, ...NO_REFERRER },
    })
  }
  return download(request, params.token)
})

// HEAD /s/:token/download — whether the link would serve a download, without using one up (Next.js
// would otherwise answer HEAD by running GET, which counts a download and mints a key).
export const HEAD = route("link", async ({ params }) => {
  const share = await describeShare(params.token)
  if (!share) throw new ApiError("not_found", "This link does not exist")
  if (share.state !== "active") throw shareGone(share.state)
  return new Response(null, { status: 200, headers: NO_REFERRER })
})

// POST /s/:token/download `password` (JSON or the share page's form) — same, with the password
export const POST = route("link", async ({ request, params }) => download(request, params.token))
