import { route } from "@/lib/route"
import { formFailure, isFormPost, PRIVATE_HEADERS, recipientRequest } from "@/lib/share-requests"
import { shareUnlockCookie, unlockShare } from "@/lib/shares"

/**
 * POST /s/:token/unlock `password` — a right password sets a signed, httpOnly cookie scoped to
 * this link's path that opens its page and files for a while (SHARE_UNLOCK_SECONDS). The page's
 * form comes back to a clean page URL, so no earlier error stays on it.
 */
export const POST = route("link", async ({ request, params }) => {
  try {
    const value = await unlockShare(await recipientRequest(request, params.token))
    const cookie = shareUnlockCookie(params.token, value)
    if (isFormPost(request)) {
      return new Response(null, {
        status: 303,
        headers: { Location: `/s/${encodeURIComponent(params.token)}`, "Set-Cookie": cookie, ...PRIVATE_HEADERS },
      })
    }
    return new Response(null, { status: 204, headers: { "Set-Cookie": cookie, ...PRIVATE_HEADERS } })
  } catch (error) {
    const failure = formFailure(request, params.token, error)
    if (failure) return failure
    throw error
  }
})
