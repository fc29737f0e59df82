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
