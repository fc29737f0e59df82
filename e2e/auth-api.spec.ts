import type { APIRequestContext } from "@playwright/test"
import { disableAccount } from "./support/db"
import { expect, newCredentials, registerAccount, signInWithApi, test } from "./support/fixtures"

/**
 * Accounts over HTTP against the built app: next-auth's real endpoints, the session cookie it
 * sets, and personal API tokens used the way curl would.
 */

test("signing in through next-auth sets an httpOnly, SameSite=Lax session cookie that the API accepts", async ({
  request,
  baseURL,
}) => {
  const { credentials, user } = await registerAccount(request)
  expect((await request.get("/api/tokens")).status()).toBe(401)

  const signIn = await signInWithApi(request, credentials)
  expect(signIn.status()).toBe(200)
  expect(await signIn.json()).toEqual({ url: `${new URL(baseURL ?? "").origin}/` })
  const cookie = (await request.storageState()).cookies.find((entry) => entry.name === "next-auth.session-token")
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false, path: "/" })

  const session = await request.get("/api/auth/session")
  expect(await session.json()).toMatchObject({ user: { email: user.email, id: user.id } })
  expect((await request.get("/api/tokens")).status()).toBe(200)
})

test("a wrong password answers 401 CredentialsSignin and sets no session", async ({ request }) => {
  const { credentials } = await registerAccount(request)
  const response = await signInWithApi(request, { ...credentials, password: "not-the-password" })
  expect(response.status()).toBe(401)
  expect((await response.json()).url).toContain("error=CredentialsSignin")
  expect((await request.storageState()).cookies.map((entry) => entry.name)).not.toContain("next-auth.session-token")
  expect((await request.get("/api/tokens")).status()).toBe(401)
})

test("an API token created in a session works from a cookie-less client, and not once revoked", async ({
  request,
  baseURL,
}) => {
  const { credentials } = await registerAccount(request)
  await signInWithApi(request, credentials)
  const origin = new URL(baseURL ?? "").origin

  // A cookie-authenticated POST from another site is refused (CSRF)…
  const crossSite = await request.post("/api/tokens", {
    data: { name: "cli" },
    headers: { origin: "https://evil.example" },
  })
  expect(crossSite.status()).toBe(403)
  // …and the app's own origin is accepted.
  const created = await request.post("/api/tokens", { data: { name: "cli", expiresInDays: 30 }, headers: { origin } })
  expect(created.status()).toBe(201)
  const { token } = (await created.json()) as { token: { id: string; secret: string } }

  // What curl would do: no cookies, no Origin, just the bearer token.
  const asCurl = (path: string, init: RequestInit = {}) =>
    fetch(`${origin}${path}`, { ...init, headers: { authorization: `Bearer ${token.secret}`, ...init.headers } })
  const listed = await asCurl("/api/tokens")
  expect(listed.status).toBe(200)
  expect(JSON.stringify(await listed.json())).not.toContain(token.secret)
  const madeByScript = await asCurl("/api/tokens", {
    method: "POST",
    body: JSON.stringify({ name: "from curl" }),
    headers: { "content-type": "application/json" },
  })
  expect(madeByScript.status).toBe(201)

  expect((await request.delete(`/api/tokens/${token.id}`, { headers: { origin } })).status()).toBe(204)
  const afterRevoke = await asCurl("/api/tokens")
  expect(afterRevoke.status).toBe(401)
  expect((await afterRevoke.json()).error.code).toBe("invalid_token")
})

test("disabling an account ends its session and its tokens on the next request, and blocks sign-in", async ({
  request,
  baseURL,
}) => {
  const { credentials } = await registerAccount(request)
  await signInWithApi(request, credentials)
  const created = await request.post("/api/tokens", {
    data: { name: "soon dead" },
    headers: { origin: new URL(baseURL ?? "").origin },
  })
  const { token } = (await created.json()) as { token: { secret: string } }

  await disableAccount(credentials.email)

  const bySession = await request.get("/api/tokens")
  expect(bySession.status()).toBe(401)
  expect((await bySession.json()).error.code).toBe("session_revoked")
  const byToken = await request.get("/api/tokens", { headers: { authorization: `Bearer ${token.secret}` } })
  expect(byToken.status()).toBe(401)

  const signIn = await signInWithApi(request, credentials)
  expect(signIn.status()).toBe(401)
  expect((await signIn.json()).url).toContain("error=AccountDisabled")
})

test("sign-in attempts per account are limited: the 11th in 15 minutes gets 429 with Retry-After", async ({
  request,
}) => {
  const { credentials } = await registerAccount(request)
  for (let attempt = 1; attempt <= 10; attempt++) {
    expect((await signInWithApi(request, { ...credentials, password: `guess-${attempt}` })).status()).toBe(401)
  }
  // Over the limit even the right password is not checked.
  const limited = await signInWithApi(request, credentials)
  expect(limited.status()).toBe(429)
  expect(Number(limited.headers()["retry-after"])).toBeGreaterThan(800)
  expect((await limited.json()).error).toEqual({
    code: "rate_limited",
    message: expect.stringMatching(/^Too many sign-in attempts; try again in \d+ minutes$/),
  })
  expect((await request.storageState()).cookies.map((entry) => entry.name)).not.toContain("next-auth.session-token")
})

test("a successful sign-in clears the account's failed attempts", async ({ request }) => {
  const { credentials } = await registerAccount(request)
  for (let attempt = 1; attempt <= 9; attempt++)
    await signInWithApi(request, { ...credentials, password: `typo-${attempt}` })
  expect((await signInWithApi(request, credentials)).status()).toBe(200)
  for (let attempt = 1; attempt <= 10; attempt++) {
    expect((await signInWithApi(request, { ...credentials, password: `typo-again-${attempt}` })).status()).toBe(401)
  }
})

test("signing out through next-auth ends the session", async ({ request }) => {
  const { credentials } = await registerAccount(request)
  await signInWithApi(request, credentials)
  expect((await request.get("/api/tokens")).status()).toBe(200)
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string }
  const signOut = await request.post("/api/auth/signout", { form: { csrfToken, json: "true" }, maxRedirects: 0 })
  expect(signOut.status()).toBe(200)
  expect((await request.get("/api/tokens")).status()).toBe(401)
})

test("the first request for a protected API without credentials is a JSON 401, never a redirect", async ({
  request,
}) => {
  const response = await request.get("/api/tokens", { maxRedirects: 0 })
  expect(response.status()).toBe(401)
  expect(response.headers()["content-type"]).toContain("application/json")
  expect(await response.json()).toEqual({
    error: { code: "unauthorized", message: expect.stringContaining("Sign in") },
  })
})

test("registration answers 409 for an email already taken, whatever its case", async ({ request }) => {
  const { credentials } = await registerAccount(request, newCredentials("dup"))
  const again = await request.post("/api/register", {
    data: { ...credentials, email: credentials.email.toUpperCase() },
  })
  expect(again.status()).toBe(409)
  expect((await again.json()).error.code).toBe("email_taken")
})

/**
 * Password guessing around the limits (issue 14): each bypass below signed in with the right
 * password after 14 wrong ones before the limits were counted inside next-auth's authorize().
 */
async function credentialsForm(request: APIRequestContext, fields: [string, string][]) {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string }
  return new URLSearchParams([["csrfToken", csrfToken], ["callbackUrl", "/"], ...fields]).toString()
}

const postForm = async (request: APIRequestContext, path: string, fields: [string, string][]) =>
  request.post(path, {
    data: await credentialsForm(request, fields),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    maxRedirects: 0,
  })

const sessionCookieOf = async (request: APIRequestContext) =>
  (await request.storageState()).cookies.find((entry) => entry.name === "next-auth.session-token")

test.describe("sign-in limits hold whatever path, format or fields bring the password", () => {
  test("a path suffix (callback/credentials/x) is counted: 429 by the 11th guess, and the right password is refused", async ({
    request,
  }) => {
    const { credentials } = await registerAccount(request)
    const statuses: number[] = []
    for (let attempt = 1; attempt <= 14; attempt++) {
      const response = await postForm(request, "/api/auth/callback/credentials/x", [
        ["email", credentials.email],
        ["password", `guess-${attempt}`],
        ["json", "true"],
      ])
      statuses.push(response.status())
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401))
    expect(statuses.slice(10)).toEqual(Array(4).fill(429))
    const right = await postForm(request, "/api/auth/callback/credentials/x", [
      ["email", credentials.email],
      ["password", credentials.password],
      ["json", "true"],
    ])
    expect(right.status()).toBe(429)
    expect(right.headers()["retry-after"]).toMatch(/^\d+$/)
    expect(await sessionCookieOf(request)).toBeUndefined()
  })

  test("a form post without json=true (a 302 either way) is counted, and the right password is refused with 429", async ({
    request,
  }) => {
    const { credentials } = await registerAccount(request)
    const statuses: number[] = []
    for (let attempt = 1; attempt <= 14; attempt++) {
      const response = await postForm(request, "/api/auth/callback/credentials", [
        ["email", credentials.email],
        ["password", `guess-${attempt}`],
      ])
      statuses.push(response.status())
      if (response.status() === 302) expect(response.headers().location).toContain("error=CredentialsSignin")
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(302))
    expect(statuses.slice(10)).toEqual(Array(4).fill(429))
    const right = await postForm(request, "/api/auth/callback/credentials", [
      ["email", credentials.email],
      ["password", credentials.password],
    ])
    expect(right.status()).toBe(429)
    expect(right.headers()["retry-after"]).toMatch(/^\d+$/)
    expect((await right.json()).error.code).toBe("rate_limited")
    expect(await sessionCookieOf(request)).toBeUndefined()
  })

  test("a repeated email field (decoy first) charges the account next-auth checks", async ({ request }) => {
    const { credentials } = await registerAccount(request)
    const decoy = newCredentials("decoy").email
    for (let attempt = 1; attempt <= 14; attempt++) {
      await postForm(request, "/api/auth/callback/credentials", [
        ["email", decoy],
        ["email", credentials.email],
        ["password", `guess-${attempt}`],
        ["json", "true"],
      ])
    }
    const right = await signInWithApi(request, credentials)
    expect(right.status()).toBe(429)
    expect(await sessionCookieOf(request)).toBeUndefined()
  })
})
