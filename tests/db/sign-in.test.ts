import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let accounts: typeof import("@/lib/accounts")

beforeAll(async () => {
  database = await useFreshDatabase({ ADMIN_EMAILS: "promoted@example.com" })
  accounts = await import("@/lib/accounts")
  await accounts.registerUser({ email: "first@example.com", password: "perfectly-fine-1" })
  await accounts.registerUser({ email: "dora@example.com", password: "perfectly-fine-2", name: "Dora" })
})

afterAll(() => database.cleanUp())

// next-auth's own endpoints run in e2e/auth-api.spec.ts against the built app; this is the check
// its Credentials provider delegates to.
describe("verifyCredentials", () => {
  it("returns the account for the right email and password", async () => {
    const user = await accounts.verifyCredentials({ email: "dora@example.com", password: "perfectly-fine-2" })
    expect(user).toEqual({ id: expect.any(String), email: "dora@example.com", name: "Dora", role: "USER" })
  })

  it("returns null for a wrong password, an unknown email, or an account without a password", async () => {
    expect(await accounts.verifyCredentials({ email: "dora@example.com", password: "perfectly-fine-1" })).toBeNull()
    expect(await accounts.verifyCredentials({ email: "nobody@example.com", password: "perfectly-fine-2" })).toBeNull()
    await accounts.accountForOidcIdentity({ email: "sso-only@example.com", emailVerified: true })
    expect(await accounts.verifyCredentials({ email: "sso-only@example.com", password: "" })).toBeNull()
  })

  it("refuses a disabled account only after the password was right", async () => {
    await query(database.url, `UPDATE "User" SET "disabledAt" = now() WHERE email = 'dora@example.com'`)
    await expect(
      accounts.verifyCredentials({ email: "dora@example.com", password: "perfectly-fine-2" }),
    ).rejects.toThrow("AccountDisabled")
    expect(await accounts.verifyCredentials({ email: "dora@example.com", password: "wrong-password" })).toBeNull()
  })

  it("does not promote an account listed in ADMIN_EMAILS on sign-in: a password proves nothing about the address", async () => {
    await query(
      database.url,
      `INSERT INTO "User" (id, email, "passwordHash", role, "updatedAt") SELECT 'promoted', 'promoted@example.com', "passwordHash", 'USER', now() FROM "User" WHERE email = 'first@example.com'`,
    )
    const user = await accounts.verifyCredentials({ email: "promoted@example.com", password: "perfectly-fine-1" })
    expect(user?.role).toBe("USER")
    expect(await query(database.url, `SELECT role FROM "User" WHERE id = 'promoted'`)).toEqual([{ role: "USER" }])
  })

  it("replaces a hash made with weaker settings on the next sign-in", async () => {
    const { hash } = await import("@node-rs/argon2")
    const weak = await hash("perfectly-fine-9", { memoryCost: 4096, timeCost: 2, parallelism: 1 })
    await query(database.url, `UPDATE "User" SET "passwordHash" = $1 WHERE email = 'first@example.com'`, [weak])
    expect(
      await accounts.verifyCredentials({ email: "first@example.com", password: "perfectly-fine-9" }),
    ).not.toBeNull()
    const [row] = await query<{ passwordHash: string }>(
      database.url,
      `SELECT "passwordHash" FROM "User" WHERE email = 'first@example.com'`,
    )
    expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$/)
  })
})

describe("findActiveAccount", () => {
  it("returns active accounts and nothing for disabled or missing ones", async () => {
    const [first] = await query<{ id: string }>(database.url, `SELECT id FROM "User" WHERE email = 'first@example.com'`)
    const [dora] = await query<{ id: string }>(database.url, `SELECT id FROM "User" WHERE email = 'dora@example.com'`)
    expect(await accounts.findActiveAccount(first?.id ?? "")).toMatchObject({
      email: "first@example.com",
      role: "ADMIN",
    })
    expect(await accounts.findActiveAccount(dora?.id ?? "")).toBeNull()
    expect(await accounts.findActiveAccount("no-such-user")).toBeNull()
  })
})

type Authorize = (
  credentials: Record<string, string> | undefined,
  request: { headers: Record<string, string> },
) => Promise<unknown>

/** next-auth's Credentials provider keeps the authorize() it was given under `options`. */
async function credentialsAuthorize(): Promise<Authorize> {
  const { getAuthOptions } = await import("@/lib/auth")
  const provider = getAuthOptions().providers.find((entry) => entry.id === "credentials") as unknown as {
    options: { authorize: Authorize }
  }
  return provider.options.authorize
}

/** One sign-in as next-auth runs it: authorize() inside the route's runSignInRequest. */
async function signIn(email: string, password: string, ip: string) {
  const { runSignInRequest } = await import("@/lib/auth")
  const authorize = await credentialsAuthorize()
  let outcome: unknown
  const response = await runSignInRequest(async () => {
    outcome = await authorize({ email, password, csrfToken: "x" }, { headers: { "x-forwarded-for": ip } }).catch(
      (error: Error) => error,
    )
    return new Response(null, { status: outcome instanceof Error || outcome === null ? 401 : 200 })
  })
  return { response, outcome }
}

describe("authorize(): the limits count where the password is checked", () => {
  it("allows 10 attempts per account in 15 minutes from any mix of addresses, then answers 429 with Retry-After", async () => {
    await accounts.registerUser({ email: "victim@example.com", password: "victims-password-1" })
    for (let index = 1; index <= 10; index++) {
      expect((await signIn("Victim@example.com", `guess-${index}`, `192.0.2.${index}`)).response.status).toBe(401)
    }
    const limited = await signIn("victim@example.com", "guess-11", "192.0.2.99")
    expect(limited.response.status).toBe(429)
    expect(limited.response.headers.get("retry-after")).toMatch(/^\d+$/)
    expect(await limited.response.json()).toMatchObject({ error: { code: "rate_limited" } })
    expect(limited.outcome).toMatchObject({ message: "RateLimited" })
    // Someone else's account is unaffected.
    expect((await signIn("bystander@example.com", "guess", "192.0.2.99")).response.status).toBe(401)
  })

  it("refuses the right password while the account is limited, without signing in", async () => {
    await accounts.registerUser({ email: "patient@example.com", password: "patients-password-1" })
    for (let index = 1; index <= 14; index++)
      await signIn("patient@example.com", `wrong-${index}`, `192.0.2.${100 + index}`)
    const right = await signIn("patient@example.com", "patients-password-1", "192.0.2.120")
    expect(right.response.status).toBe(429)
    expect(right.outcome).toBeInstanceOf(Error)
  })

  it("clears the account's count only after a sign-in that succeeded", async () => {
    await accounts.registerUser({ email: "typo@example.com", password: "typos-password-1" })
    for (let index = 1; index <= 9; index++) await signIn("typo@example.com", `typo-${index}`, "192.0.2.200")
    const right = await signIn("typo@example.com", "typos-password-1", "192.0.2.200")
    expect(right.response.status).toBe(200)
    expect(right.outcome).toMatchObject({ email: "typo@example.com" })
    // A fresh budget of 10 failures, then the limit again.
    for (let index = 1; index <= 10; index++)
      expect((await signIn("typo@example.com", `again-${index}`, "192.0.2.201")).response.status).toBe(401)
    expect((await signIn("typo@example.com", "again-11", "192.0.2.201")).response.status).toBe(429)
  })

  it("allows 50 attempts per address in 15 minutes across accounts, then answers 429", async () => {
    for (let index = 1; index <= 50; index++) {
      expect((await signIn(`spray${index}@example.com`, "guess", "198.51.100.5")).response.status).toBe(401)
    }
    expect((await signIn("spray51@example.com", "guess", "198.51.100.5")).response.status).toBe(429)
  })
})
