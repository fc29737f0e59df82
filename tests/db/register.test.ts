import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { apiRequest, APP_ORIGIN, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let register: typeof import("@/app/api/register/route").POST
let ipCounter = 0

/** Each call comes from its own address unless told otherwise, so per-IP limits stay out of the way. */
const registerRequest = (body: unknown, headers: Record<string, string> = {}) =>
  register(
    apiRequest("POST", "/api/register", { body, headers: { "x-forwarded-for": `192.0.2.${++ipCounter}`, ...headers } }),
  )

const userCount = async () =>
  Number((await query<{ count: string }>(database.url, `SELECT count(*) FROM "User"`))[0]?.count)

beforeAll(async () => {
  database = await useFreshDatabase({ ADMIN_EMAILS: "boss@example.com, Chief@Example.com" })
  register = (await import("@/app/api/register/route")).POST
})

afterAll(() => database.cleanUp())

describe("POST /api/register", () => {
  it("creates the first account as an admin, later ones as users, with a lower-cased email", async () => {
    const first = await registerRequest({ email: "  Ada@Example.COM ", password: "analytical-engine", name: " Ada " })
    expect(first.status).toBe(201)
    const body = await first.json()
    expect(body).toEqual({ user: { id: expect.any(String), email: "ada@example.com", name: "Ada", role: "ADMIN" } })

    const second = await registerRequest({ email: "grace@example.com", password: "compiler-1952" })
    expect(second.status).toBe(201)
    expect((await second.json()).user).toMatchObject({ email: "grace@example.com", name: null, role: "USER" })
  })

  it("stores an argon2id hash, never the password", async () => {
    const [row] = await query<{ passwordHash: string }>(
      database.url,
      `SELECT "passwordHash" FROM "User" WHERE email = 'ada@example.com'`,
    )
    expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$/)
    expect(row?.passwordHash).not.toContain("analytical-engine")
  })

  it("does not make an account named in ADMIN_EMAILS an admin before its address is verified", async () => {
    const response = await registerRequest({ email: "chief@example.com", password: "in-charge-here" })
    expect((await response.json()).user.role).toBe("USER")
  })

  it("answers 409 email_taken for an email already registered in any case, and adds nothing", async () => {
    const before = await userCount()
    const response = await registerRequest({ email: "GRACE@example.com", password: "another-password-9" })
    expect(response.status).toBe(409)
    expect(await response.json()).toEqual({
      error: { code: "email_taken", message: "An account with this email already exists; sign in instead" },
    })
    expect(await userCount()).toBe(before)
  })

  it.each([
    ["a short password", { email: "weak1@example.com", password: "short1" }, "password", "Use at least 8 characters"],
    [
      "a breach-list password",
      { email: "weak2@example.com", password: "Password123" },
      "password",
      "This password is too common; choose another",
    ],
    [
      "a password containing the email",
      { email: "margaret@example.com", password: "margaret-2024" },
      "password",
      "Your password must not contain your email address",
    ],
    [
      "an over-long password",
      { email: "weak3@example.com", password: "x".repeat(257) },
      "password",
      "Use at most 256 characters",
    ],
    ["no password", { email: "weak4@example.com" }, "password", "Enter a password"],
    [
      "an invalid email",
      { email: "not-an-email", password: "perfectly-fine-1" },
      "email",
      "Enter a valid email address",
    ],
    [
      "a name over 100 characters",
      { email: "long@example.com", password: "perfectly-fine-1", name: "n".repeat(101) },
      "name",
      "Use at most 100 characters",
    ],
  ])("answers 400 for %s, naming the field, and adds nothing", async (_case, body, field, message) => {
    const before = await userCount()
    const response = await registerRequest(body)
    expect(response.status).toBe(400)
    const { error } = await response.json()
    expect(error.code).toBe("invalid_request")
    expect(error.issues).toContainEqual({ path: field, message })
    expect(await userCount()).toBe(before)
  })

  it("answers 400 invalid_json for a body that is not JSON", async () => {
    const response = await register(
      apiRequest("POST", "/api/register", { rawBody: "{email:", headers: { "x-forwarded-for": "192.0.2.250" } }),
    )
    expect(response.status).toBe(400)
    expect((await response.json()).error.code).toBe("invalid_json")
  })

  it("refuses a request from another site's page (403) but accepts one without Origin (curl)", async () => {
    const before = await userCount()
    const crossSite = await registerRequest(
      { email: "csrf@example.com", password: "perfectly-fine-1" },
      { origin: "https://evil.example" },
    )
    expect(crossSite.status).toBe(403)
    expect((await crossSite.json()).error.code).toBe("cross_origin_request")
    expect(await userCount()).toBe(before)

    const sameSite = await registerRequest(
      { email: "csrf@example.com", password: "perfectly-fine-1" },
      { origin: APP_ORIGIN },
    )
    expect(sameSite.status).toBe(201)
    const curl = await registerRequest({ email: "curl@example.com", password: "perfectly-fine-1" })
    expect(curl.status).toBe(201)
  })

  it("limits sign-ups per client address: the 11th within an hour gets 429 with Retry-After", async () => {
    const ip = "198.51.100.77"
    for (let attempt = 1; attempt <= 10; attempt++) {
      // Invalid bodies count too: the limit is about the address, not about success.
      const response = await registerRequest(
        { email: `flood${attempt}@example.com`, password: "x" },
        { "x-forwarded-for": ip },
      )
      expect(response.status).toBe(400)
    }
    const before = await userCount()
    const limited = await registerRequest(
      { email: "flood-ok@example.com", password: "perfectly-fine-1" },
      { "x-forwarded-for": ip },
    )
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(3500)
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(3600)
    expect((await limited.json()).error).toEqual({
      code: "rate_limited",
      message: expect.stringMatching(/^Too many sign-ups from your network; try again in 60 minutes$/),
    })
    expect(await userCount()).toBe(before)

    // Another address is unaffected.
    expect((await registerRequest({ email: "flood-ok@example.com", password: "perfectly-fine-1" })).status).toBe(201)
  })

  it("limits sign-ups per email across addresses", async () => {
    const statuses: number[] = []
    for (let attempt = 1; attempt <= 6; attempt++) {
      statuses.push((await registerRequest({ email: "Target@example.com", password: "perfectly-fine-1" })).status)
    }
    expect(statuses).toEqual([201, 409, 409, 409, 409, 429])
  })

  it("uses the address the nearest proxy saw, not what the client put first in X-Forwarded-For", async () => {
    const spoofed = (n: number) => ({ "x-forwarded-for": `203.0.113.${n}, 198.51.100.77` })
    const response = await registerRequest({ email: "spoof@example.com", password: "perfectly-fine-1" }, spoofed(1))
    expect(response.status).toBe(429)
  })
})
