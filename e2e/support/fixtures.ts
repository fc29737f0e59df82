import { randomBytes } from "node:crypto"
import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test"
import { watchCspViolations } from "./csp"
import { recordLinkToken, recordSecret } from "./secrets"

/**
 * Every test gets its own client address (sent as X-Forwarded-For, which the app reads for
 * per-IP rate limits), so tests never share a sign-in or sign-up budget and run in any order.
 * Every test's page fails it on any Content-Security-Policy violation (the app must work under
 * its own policy), and records the link tokens it visits for the secrets check after the run.
 */
export const test = base.extend<{ clientIp: string }>({
  clientIp: async ({}, provide) => {
    const [a = 0, b = 0, c = 1] = randomBytes(3)
    await provide(`10.${a}.${b}.${Math.max(c, 1)}`)
  },
  extraHTTPHeaders: async ({ clientIp }, provide) => {
    await provide({ "x-forwarded-for": clientIp })
  },
  page: async ({ page, baseURL }, provide) => {
    await keepClientAddressOffStorage(page, new URL(baseURL ?? "http://localhost").origin)
    const violations = watchCspViolations(page)
    page.on("request", (request) => recordLinkToken(request.url()))
    await provide(page)
    expect(violations, "Content-Security-Policy violations").toEqual([])
  },
})

export { expect }

/**
 * The test's client address (X-Forwarded-For) is for the app only. Azure's CORS rule lists the
 * request headers it allows (S3's allows any), so a storage request carrying it would fail its
 * preflight; pages of contexts a spec opens itself call this too.
 */
export async function keepClientAddressOffStorage(page: Page, appOrigin: string) {
  if (process.env.E2E_STORAGE_BACKEND !== "azure") return
  await page.route(
    (url) => url.origin !== appOrigin,
    (route) => {
      const headers = { ...route.request().headers() }
      delete headers["x-forwarded-for"]
      return route.fallback({ headers })
    },
  )
}

/** A fresh account's credentials; the password passes the sign-up rules. */
export function newCredentials(label = "user") {
  const id = randomBytes(5).toString("hex")
  const password = `Correct-horse-${id}`
  recordSecret(password)
  return { email: `${label}-${id}@example.test`, password, name: `${label} ${id}` }
}

export type Credentials = ReturnType<typeof newCredentials>

/** Creates an account through the public API; returns what the API answered. */
export async function registerAccount(request: APIRequestContext, credentials: Credentials = newCredentials()) {
  const response = await request.post("/api/register", { data: credentials })
  expect(response.status(), await response.text()).toBe(201)
  return { credentials, user: (await response.json()).user as { id: string; email: string; role: "USER" | "ADMIN" } }
}

/**
 * Signs in through next-auth's real endpoints, the way its browser client does: fetch a CSRF
 * token, then post the credentials form. The session cookie lands in `request`'s cookie jar.
 */
export async function signInWithApi(request: APIRequestContext, credentials: { email: string; password: string }) {
  recordSecret(credentials.password)
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string }
  return request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email: credentials.email, password: credentials.password, json: "true", callbackUrl: "/" },
    maxRedirects: 0,
  })
}
