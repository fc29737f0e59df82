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

/** The message key (auth.signInErrors.*) for each next-auth error code the sign-in page can be sent (`?error=`). */
export function signInErrorKey(code: string): SignInErrorKey {
  switch (code) {
    case "CredentialsSignin":
      return "credentials"
    case "OtpRequired":
      return "otpRequired"
    case "OtpInvalid":
      return "otpInvalid"
    case "OtpRateLimited":
      return "otpRateLimited"
    case "AccountDisabled":
      return "disabled"
    case "AccessDenied":
      return "accessDenied"
    case "OAuthSignin":
    case "OAuthCallback":
    case "OAuthCreateAccount":
    case "Callback":
      return "oidcFailed"
    case "SessionRequired":
      return "sessionRequired"
    case "Busy":
      return "busy"
    default:
      return "other"
  }
}

export type SignInErrorKey =
  | "credentials"
  | "otpRequired"
  | "otpInvalid"
  | "otpRateLimited"
  | "disabled"
  | "accessDenied"
  | "oidcFailed"
  | "sessionRequired"
  | "busy"
  | "other"
