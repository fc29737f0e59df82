import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { apiRequest, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"

let database: Awaited<ReturnType<typeof useFreshDatabase>>

beforeAll(async () => {
  database = await useFreshDatabase({ REGISTRATION: "closed", ADMIN_EMAILS: "owner@example.com" })
})

afterAll(() => database.cleanUp())

const userCount = async () =>
  Number((await query<{ count: string }>(database.url, `SELECT count(*) FROM "User"`))[0]?.count)

describe("with REGISTRATION=closed", () => {
  it("refuses self-registration with 403 registration_closed and creates nothing", async () => {
    const { POST } = await import("@/app/api/register/route")
    const response = await POST(
      apiRequest("POST", "/api/register", { body: { email: "walk-in@example.com", password: "perfectly-fine-1" } }),
    )
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({
      error: {
        code: "registration_closed",
        message: "Registration is closed on this server; ask an administrator for an account",
      },
    })
    expect(await userCount()).toBe(0)
  })

  it("still lets an administrator create accounts", async () => {
    const { registerUser } = await import("@/lib/accounts")
    const user = await registerUser({ email: "invited@example.com", password: "perfectly-fine-1" }, undefined, {
      allowWhenClosed: true,
    })
    expect(user).toMatchObject({ email: "invited@example.com", role: "ADMIN" }) // the first account
    expect(await userCount()).toBe(1)
  })

  it("signs in existing accounts through OIDC but creates none for strangers, except ADMIN_EMAILS", async () => {
    const { accountForOidcIdentity } = await import("@/lib/accounts")
    expect(await accountForOidcIdentity({ email: "Invited@example.com", emailVerified: true })).toMatchObject({
      email: "invited@example.com",
    })
    expect(await accountForOidcIdentity({ email: "stranger@example.com", emailVerified: true })).toBeNull()
    expect(
      await accountForOidcIdentity({ email: "owner@example.com", emailVerified: true, name: "Owner" }),
    ).toMatchObject({
      email: "owner@example.com",
      name: "Owner",
      role: "ADMIN",
    })
    expect(await userCount()).toBe(2)
  })

  it("never trusts an unverified OIDC email, not even for an existing account", async () => {
    const { accountForOidcIdentity } = await import("@/lib/accounts")
    expect(await accountForOidcIdentity({ email: "invited@example.com", emailVerified: false })).toBeNull()
  })
})
