/**
 * A `callbackUrl` from the query string, reduced to a path on this site. Anything else ("//evil",
 * "https://evil", "/\\evil", "javascript:") becomes the fallback, so sign-in cannot be turned into
 * an open redirect.
 */
export function safeRedirectPath(value: string | null | undefined, fallback = "/"): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback
  try {
    // Resolve against a dummy origin: if the result leaves it, the input was not a plain path.
    const url = new URL(value, "http://valet.invalid")
    return url.origin === "http://valet.invalid" ? `${url.pathname}${url.search}${url.hash}` : fallback
  } catch {
    return fallback
  }
}

const AUTH_PAGE = /^\/(?:sign-in|sign-up|sign-out)(?:[/?#]|$)/

/**
 * Where to send someone once they are signed in. Like safeRedirectPath, but an absolute URL on
 * the app's own origin (next-auth builds those) keeps its path, and the auth pages themselves
 * become "/" — a signed-in visit to /sign-in redirects to the callback, which must not loop.
 */
export function postSignInPath(value: string | null | undefined, appOrigin?: string): string {
  let candidate = value
  if (value && appOrigin && !value.startsWith("/")) {
    try {
      const url = new URL(value)
      if (url.origin === appOrigin) candidate = `${url.pathname}${url.search}${url.hash}`
    } catch {
      // Not an absolute URL either: safeRedirectPath turns it into the fallback.
    }
  }
  const path = safeRedirectPath(candidate, "/")
  return AUTH_PAGE.test(path) ? "/" : path
}
