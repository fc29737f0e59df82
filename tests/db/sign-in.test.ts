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
    await expect(accounts.verifyCredentials({ email: "dora@example.com", password: "perfectly-fine-2" })).rejects.toThrow("AccountDisabled")
    expect(await accounts.verifyCredentials({ email: "dora@example.com", password: "wrong-password" })).toBeNull()
  })

  it("does not promote an account listed in ADMIN_EMAILS on sign-in: a password proves nothing about the address", async () => {
    await query(database.url, `INSERT INTO "User" (id, email, "passwordHash", role, "updatedAt") SELECT 'promoted', 'promoted@example.com', "passwordHash", 'USER', now() FROM "User" WHERE email = 'first@example.com'`)
    const user = await accounts.verifyCredentials({ email: "promoted@example.com", password: "perfectly-fine-1" })
    expect(user?.role).toBe("USER")
    expect(await query(database.url, `SELECT role FROM "User" WHERE id = 'promoted'`)).toEqual([{ role: "USER" }])
  })

  it("replaces a hash made with weaker settings on the next sign-in", async () => {
    const { hash } = await import("@node-rs/argon2")
    const weak = await hash("perfectly-fine-9", { memoryCost: 4096, timeCost: 2, parallelism: 1 })
    await query(database.url, `UPDATE "User" SET "passwordHash" = $1 WHERE email = 'first@example.com'`, [weak])
    expect(await accounts.verifyCredentials({ email: "first@example.com", password: "perfectly-fine-9" })).not.toBeNull()
    const [row] = await query<{ passwordHash: string }>(database.url, `SELECT "passwordHash" FROM "User" WHERE email = 'first@example.com'`)
    expect(row?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=4\$/)
  })
})

describe("findActiveAccount", () => {
  it("returns active accounts and nothing for disabled or missing ones", async () => {
    const [first] = await query<{ id: string }>(database.url, `SELECT id FROM "User" WHERE email = 'first@example.com'`)
    const [dora] = await query<{ id: string }>(database.url, `SELECT id FROM "User" WHERE email = 'dora@example.com'`)
    expect(await accounts.findActiveAccount(first?.id ?? "")).toMatchObject({ email: "first@example.com", role: "ADMIN" })
    expect(await accounts.findActiveAccount(dora?.id ?? "")).toBeNull()
    expect(await accounts.findActiveAccount("no-such-user")).toBeNull()
  })
})

describe("limitSignInAttempt", () => {
  const attempt = (email: string, ip: string) =>
    new Request("http://localhost:3000/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": ip },
      body: new URLSearchParams({ email, password: "guess", csrfToken: "x" }),
    })

  it("allows 10 attempts per account in 15 minutes from any mix of addresses, then answers 429", async () => {
    const { limitSignInAttempt } = await import("@/lib/auth")
    for (let index = 1; index <= 10; index++) {
      await expect(limitSignInAttempt(attempt("Victim@example.com", `192.0.2.${index}`))).resolves.toBe("sign-in:account:victim@example.com")
    }
    const limited = limitSignInAttempt(attempt("victim@example.com", "192.0.2.99"))
    await expect(limited).rejects.toMatchObject({ status: 429, code: "rate_limited" })
    await expect(limitSignInAttempt(attempt("victim@example.com", "192.0.2.98"))).rejects.toMatchObject({
      headers: { "Retry-After": expect.stringMatching(/^\d+$/) },
    })
    // Someone else's account is unaffected.
    await expect(limitSignInAttempt(attempt("bystander@example.com", "192.0.2.99"))).resolves.toBeDefined()
  })

  it("allows 50 attempts per address in 15 minutes across accounts, then answers 429", async () => {
    const { limitSignInAttempt } = await import("@/lib/auth")
    for (let index = 1; index <= 50; index++) await limitSignInAttempt(attempt(`spray${index}@example.com`, "198.51.100.5"))
    await expect(limitSignInAttempt(attempt("spray51@example.com", "198.51.100.5"))).rejects.toMatchObject({ status: 429 })
  })
})
