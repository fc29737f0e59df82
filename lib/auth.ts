import { AsyncLocalStorage } from "node:async_hooks"
import type { AuthOptions } from "next-auth"
import { decode } from "next-auth/jwt"
import type { OAuthConfig } from "next-auth/providers/oauth"
import CredentialsProvider from "next-auth/providers/credentials"
import { cookies } from "next/headers"
import { notFound, redirect } from "next/navigation"
import { cache } from "react"
import { localeOfRequest } from "@/i18n/locales"
import { accountForOidcIdentity, findActiveAccount, type AccountUser } from "@/lib/accounts"
import { rememberLocale } from "@/lib/accounts/settings"
import { endAllSessions } from "@/lib/accounts/sessions"
import { signInWithPassword } from "@/lib/accounts/sign-in"
import { authenticateApiToken, invalidToken } from "@/lib/api-tokens"
import { recordSignIn } from "@/lib/audit"
import { ApiError, handleApiError } from "@/lib/errors"
import { getEnv, type ServerEnv } from "@/lib/env"
import { getLog } from "@/lib/log"
import { assertHashCapacity } from "@/lib/passwords"
import { clientIp, enforceRateLimits, RATE_LIMITS, resetRateLimit } from "@/lib/rate-limit"
import { emailSchema, signInSchema } from "@/lib/shared/validations/auth"

/** Who is acting, and how they proved it. */
export type AuthUser = (AccountUser & { via: "session" }) | (AccountUser & { via: "token"; tokenId: string })

export const SESSION_MAX_AGE_SECONDS = 14 * 24 * 60 * 60

type OidcProfile = { sub: string; email?: string; email_verified?: boolean; name?: string; preferred_username?: string }

function oidcProvider(env: ServerEnv): OAuthConfig<OidcProfile> | undefined {
  if (!env.OIDC_ISSUER || !env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET) return undefined
  const issuer = env.OIDC_ISSUER.endsWith("/") ? env.OIDC_ISSUER : `${env.OIDC_ISSUER}/`
  return {
    id: "oidc",
    name: env.OIDC_DISPLAY_NAME,
    type: "oauth",
    wellKnown: new URL(".well-known/openid-configuration", issuer).toString(),
    clientId: env.OIDC_CLIENT_ID,
    clientSecret: env.OIDC_CLIENT_SECRET,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state"],
    profile: (profile) => ({
      id: profile.sub,
      email: profile.email ?? null,
      name: profile.name ?? profile.preferred_username ?? null,
    }),
  }
}

const oidcIdentity = (profile: unknown) => {
  const claims = (profile ?? {}) as Partial<OidcProfile>
  return {
    email: claims.email ?? "",
    emailVerified: claims.email_verified === true,
    name: claims.name ?? claims.preferred_username,
  }
}

let cachedAuthOptions: AuthOptions | undefined

/** next-auth's configuration, built on first use so `next build` needs no secrets. */
export function getAuthOptions(): AuthOptions {
  if (cachedAuthOptions) return cachedAuthOptions
  const env = getEnv()
  const oidc = oidcProvider(env)
  cachedAuthOptions = {
    secret: env.AUTH_SECRET,
    // Credentials sign-in only works with JWT sessions; requireUser() still reads the account on
    // every request, so a disabled account loses access at once.
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", signOut: "/sign-out", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
          otp: { label: "Two-factor code", type: "text" },
        },
        // Every password check passes here, whatever path (`callback/credentials/x`), body format
        // (form or JSON, `json=true` or not) or repeated field brought it: the limits count exactly
        // the email next-auth checks, and only a sign-in that succeeded clears the account's count.
        async authorize(credentials, request) {
          return refusingOverLimit(async () => {
            // Busy first: a check that could not run now is not an attempt, and costs no query.
            assertHashCapacity()
            const input = signInSchema.safeParse(credentials)
            const ip = clientIp({ headers: new Headers(headerEntries(request?.headers)) })
            const email = emailSchema.safeParse(credentials?.email)
            const accountKey = email.success ? `sign-in:account:${email.data}` : undefined
            await enforceRateLimits(
              [
                { key: `sign-in:ip:${ip}`, ...RATE_LIMITS.signInPerIp },
                ...(accountKey ? [{ key: accountKey, ...RATE_LIMITS.signInPerAccount }] : []),
              ],
              "Too many sign-in attempts",
            )
            if (!input.success) return null
            const user = await signInWithPassword(input.data)
            await recordSignIn(input.data.email, user?.id ?? null)
            // The language this person reads Valet in now: their mails follow it.
            if (user) await rememberLocale(user.id, localeOfRequest(new Headers(headerEntries(request?.headers))))
            if (user && accountKey) await resetRateLimit(accountKey)
            return user
          })
        },
      }),
      ...(oidc ? [oidc] : []),
    ],
    events: {
      // A JWT has no server record: signing out moves the user's mark, so a copied cookie dies too.
      async signOut({ token }) {
        if (typeof token?.sub !== "string") return
        await endAllSessions(token.sub).catch((error: unknown) =>
          getLog().error(`[auth] ending sessions on sign-out failed: ${String(error)}`),
        )
      },
    },
    callbacks: {
      async signIn({ account, profile }) {
        if (account?.type !== "oauth") return true
        return (await accountForOidcIdentity(oidcIdentity(profile))) !== null
      },
      async jwt({ token, user, account, profile }) {
        // The token's subject must be Valet's own user id, not the identity provider's.
        if (account?.type === "credentials") token.sub = user.id
        else if (account?.type === "oauth") token.sub = (await accountForOidcIdentity(oidcIdentity(profile)))?.id
        // When this sign-in happened, compared with the user's "sessions valid after" mark.
        if (account) token.authAt = Date.now()
        return token
      },
      session({ session, token }) {
        if (session.user) Object.assign(session.user, { id: token.sub })
        return session
      },
    },
  }
  return cachedAuthOptions
}

/** The providers the sign-in page offers besides email and password. */
export function getOidcProviderName(): string | undefined {
  const env = getEnv()
  return env.OIDC_ISSUER ? env.OIDC_DISPLAY_NAME : undefined
}

type CookieEntry = { name: string; value: string }

function parseCookieHeader(header: string | null): CookieEntry[] {
  if (!header) return []
  return header.split(";").flatMap((part) => {
    const separator = part.indexOf("=")
    if (separator < 1) return []
    const name = part.slice(0, separator).trim()
    const raw = part.slice(separator + 1).trim()
    try {
      return [{ name, value: decodeURIComponent(raw) }]
    } catch {
      return [{ name, value: raw }]
    }
  })
}

/** next-auth names the cookie after the URL scheme and splits big tokens into `.0`, `.1`… chunks. */
function sessionCookieName(): string {
  return getEnv().APP_URL.startsWith("https://") ? "__Secure-next-auth.session-token" : "next-auth.session-token"
}

type SessionClaims = { userId: string; signedInAt: Date | null }

async function sessionClaims(cookieList: CookieEntry[]): Promise<SessionClaims | null> {
  const name = sessionCookieName()
  const chunkIndex = (cookie: CookieEntry) => (cookie.name === name ? 0 : Number(cookie.name.slice(name.length + 1)))
  const chunks = cookieList
    .filter(
      (cookie) =>
        cookie.name === name ||
        (/^\d+$/.test(cookie.name.slice(name.length + 1)) && cookie.name.startsWith(`${name}.`)),
    )
    .sort((a, b) => chunkIndex(a) - chunkIndex(b))
  if (chunks.length === 0) return null
  // decode() verifies the encryption and the expiry; a forged or stale cookie yields null.
  const payload = await decode({
    token: chunks.map((chunk) => chunk.value).join(""),
    secret: getEnv().AUTH_SECRET,
  }).catch(() => null)
  if (typeof payload?.sub !== "string") return null
  // authAt is set at sign-in and survives next-auth's refreshes (which renew iat); older cookies have only iat.
  const signedInAt =
    typeof payload.authAt === "number" ? payload.authAt : typeof payload.iat === "number" ? payload.iat * 1000 : null
  return { userId: payload.sub, signedInAt: signedInAt === null ? null : new Date(signedInAt) }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"])

/**
 * CSRF defence for cookie-authenticated requests: a state-changing request must come from the
 * app's own origin. Browsers always send Origin on cross-origin and on non-GET same-origin
 * fetches, so a missing one is only accepted when Sec-Fetch-Site vouches for the request — or,
 * with `allowMissing`, for clients that carry no ambient credentials (curl registering an account).
 */
export function assertSameOrigin(request: Request, options: { allowMissing?: boolean } = {}): void {
  if (SAFE_METHODS.has(request.method)) return
  const origin = request.headers.get("origin")
  if (origin === new URL(getEnv().APP_URL).origin) return
  if (origin === null && (options.allowMissing || request.headers.get("sec-fetch-site") === "same-origin")) return
  throw new ApiError(
    "cross_origin_request",
    "This request must come from the Valet app itself (Origin does not match APP_URL)",
  )
}

/**
 * What an Authorization header offers: null without one, "" for one that is not `Bearer <secret>`
 * (a 401 like a wrong secret), else the secret (unchecked).
 */
export function bearerSecret(request: Request): string | null {
  const authorization = request.headers.get("authorization")
  if (authorization === null) return null
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] ?? ""
}

/**
 * The user behind a request: a personal API token (`Authorization: Bearer vlt_…`) or the
 * session cookie. 401 without valid credentials; the account is re-read on every call.
 */
export async function requireUser(request: Request): Promise<AuthUser> {
  const secret = bearerSecret(request)
  if (secret !== null) {
    const user = secret ? await authenticateApiToken(secret) : null
    if (!user) throw invalidToken()
    return { ...user, via: "token" }
  }
  const session = await sessionClaims(parseCookieHeader(request.headers.get("cookie")))
  if (!session) throw new ApiError("unauthorized", "Sign in, or send a personal API token as `Authorization: Bearer …`")
  assertSameOrigin(request)
  const user = await findActiveAccount(session.userId, session)
  if (!user)
    throw new ApiError("session_revoked", "This session was signed out, or the account is disabled or no longer exists")
  return { ...user, via: "session" }
}

/** Like requireUser, and 403 unless the user is an admin. */
export async function requireAdmin(request: Request): Promise<AuthUser> {
  const user = await requireUser(request)
  if (user.role !== "ADMIN") throw new ApiError("forbidden", "Only administrators may do this")
  return user
}

/**
 * The signed-in, still active account for a server component, or null. Cached per request: the
 * header and the page both ask, and one database read answers both.
 */
export const getCurrentUser = cache(async (): Promise<AccountUser | null> => {
  const session = await sessionClaims((await cookies()).getAll())
  return session ? findActiveAccount(session.userId, session) : null
})

/** For pages: the current account, or a redirect to sign-in that comes back to `returnTo`. */
export async function requirePageUser(returnTo: string): Promise<AccountUser> {
  const user = await getCurrentUser()
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`)
  return user
}

/**
 * For admin pages: the current admin. Anyone signed in but not an admin gets a 404, so the console's
 * existence is not advertised (the API answers 403 JSON instead, which clients need to tell apart).
 */
export async function requirePageAdmin(returnTo: string): Promise<AccountUser> {
  const user = await requirePageUser(returnTo)
  if (user.role !== "ADMIN") notFound()
  return user
}

type SignInContext = { refusal?: ApiError }

const signInContext = new AsyncLocalStorage<SignInContext>()

/**
 * next-auth 4 turns anything authorize() throws into a 401 (or a 302 to the error page) with the
 * message in `?error=`; it cannot answer 429 or 503. The refusal is kept for the request here and
 * the route answers it (runSignInRequest) instead of next-auth's response.
 */
async function refusingOverLimit<T>(check: () => Promise<T>): Promise<T> {
  try {
    return await check()
  } catch (error) {
    if (!(error instanceof ApiError)) throw error
    const context = signInContext.getStore()
    if (context) context.refusal = error
    throw new Error(error.code === "rate_limited" ? "RateLimited" : error.code === "busy" ? "Busy" : error.code)
  }
}

/** next-auth hands authorize() the request's headers as a plain object. */
function headerEntries(headers: unknown): [string, string][] {
  if (typeof headers !== "object" || headers === null) return []
  return Object.entries(headers).flatMap(([name, value]) =>
    typeof value === "string" ? [[name, value] as [string, string]] : [],
  )
}

/**
 * Runs one request through next-auth. When authorize() refused it over a limit (429) or because
 * password checks are saturated (503), that refusal is the answer, with its Retry-After, for the
 * JSON and the form flow alike.
 */
export async function runSignInRequest(handle: () => Promise<Response>): Promise<Response> {
  const context: SignInContext = {}
  const response = await signInContext.run(context, handle)
  return context.refusal ? handleApiError(context.refusal) : response
}
