import { getCsrfToken } from "next-auth/react"
import { readApiFailure } from "@/lib/shared/api-client"

export type CredentialsSignInResult =
  | { ok: true }
  /** `error` is next-auth's code ("CredentialsSignin", "AccountDisabled", …), "RateLimited" or "Busy". */
  | { ok: false; error: string; retryAfterSeconds?: number }

/**
 * Email-and-password sign-in through next-auth's credentials callback, from the browser.
 *
 * This is what `signIn("credentials", { redirect: false })` from next-auth/react sends, but that
 * helper cannot report our rate limit: app/api/auth/[...nextauth]/route.ts answers a 429 with
 * Valet's error body, which has no `url`, and next-auth/react then throws `new URL(undefined)`
 * instead of returning the status. Reading the response here gives every outcome a clear answer.
 */
export async function signInWithCredentials(input: {
  email: string
  password: string
  /** A TOTP or recovery code, for accounts with two-factor sign-in (asked for after "OtpRequired"). */
  otp?: string
  callbackUrl: string
}): Promise<CredentialsSignInResult> {
  const csrfToken = await getCsrfToken()
  if (!csrfToken) return { ok: false, error: "Unavailable" }
  const response = await fetch("/api/auth/callback/credentials", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      csrfToken,
      email: input.email,
      password: input.password,
      ...(input.otp ? { otp: input.otp } : {}),
      callbackUrl: input.callbackUrl,
      json: "true",
    }),
  })
  if (response.status === 429) {
    const failure = await readApiFailure(response)
    return { ok: false, error: "RateLimited", retryAfterSeconds: failure.retryAfterSeconds }
  }
  // 503 `busy`: too many password checks at once on the server; nothing was checked.
  if (response.status === 503) return { ok: false, error: "Busy" }
  // next-auth answers `{ url }`; a refusal is the error page's URL with the reason in `?error=`.
  const body: unknown = await response.json().catch(() => null)
  const url =
    typeof body === "object" && body !== null && "url" in body && typeof body.url === "string" ? body.url : undefined
  const error = url ? new URL(url, window.location.origin).searchParams.get("error") : null
  if (response.ok && url && !error) return { ok: true }
  return { ok: false, error: error ?? "Unavailable" }
}

/** What the sign-in page says for each next-auth error code it can be sent (`?error=`). */
export function signInErrorMessage(code: string, providerName = "single sign-on"): string {
  switch (code) {
    case "CredentialsSignin":
      return "Wrong email or password."
    case "OtpRequired":
      return "Enter the 6-digit code from your authenticator app, or a recovery code."
    case "OtpInvalid":
      return "That code is not right, or was already used. Try the current code."
    case "OtpRateLimited":
      return "Too many codes tried. Wait 15 minutes and try again."
    case "AccountDisabled":
      return "This account has been disabled. Ask an administrator if you think this is a mistake."
    case "AccessDenied":
      return `Your ${providerName} account can't be used here: its email may be unverified, the Valet account disabled, or registration closed.`
    case "OAuthSignin":
    case "OAuthCallback":
    case "OAuthCreateAccount":
    case "Callback":
      return `Signing in with ${providerName} didn't work. Try again, or use your email and password.`
    case "SessionRequired":
      return "Sign in to continue."
    case "Busy":
      return "The server is busy right now. Try again in a moment."
    default:
      return "Signing in didn't work. Try again in a moment."
  }
}
