import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { apiRequest, APP_ORIGIN, browserHeaders, sessionCookie, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"

type TokenRoutes = typeof import("@/app/api/tokens/route")
type TokenRoute = typeof import("@/app/api/tokens/[id]/route")

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let tokens: TokenRoutes
let token: TokenRoute
let alice: { id: string; email: string }
let bob: { id: string; email: string }

const params = (id: string) => ({ params: Promise.resolve({ id }) })
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` })

async function createToken(userId: string, body: unknown = { name: "laptop" }) {
  const response = await tokens.POST(apiRequest("POST", "/api/tokens", { body, headers: await browserHeaders(userId) }))
  expect(response.status, await response.clone().text()).toBe(201)
  return (await response.json()).token as {
    id: string
    name: string
    prefix: string
    secret: string
    expiresAt: string | null
  }
}

const listWith = async (headers: Record<string, string>) => tokens.GET(apiRequest("GET", "/api/tokens", { headers }))

beforeAll(async () => {
  database = await useFreshDatabase()
  tokens = await import("@/app/api/tokens/route")
  token = await import("@/app/api/tokens/[id]/route")
  const { registerUser } = await import("@/lib/accounts")
  alice = await registerUser({ email: "alice@example.com", password: "perfectly-fine-1" })
  bob = await registerUser({ email: "bob@example.com", password: "perfectly-fine-2" })
})

afterAll(() => database.cleanUp())

describe("without credentials", () => {
  it.each([
    ["GET /api/tokens", () => tokens.GET(apiRequest("GET", "/api/tokens"))],
    [
      "POST /api/tokens",
      () => tokens.POST(apiRequest("POST", "/api/tokens", { body: { name: "x" }, headers: { origin: APP_ORIGIN } })),
    ],
    [
      "DELETE /api/tokens/:id",
      () => token.DELETE(apiRequest("DELETE", "/api/tokens/abc", { headers: { origin: APP_ORIGIN } }), params("abc")),
    ],
  ])("%s answers 401 unauthorized", async (_route, call) => {
    const response = await call()
    expect(response.status).toBe(401)
    expect((await response.json()).error.code).toBe("unauthorized")
  })

  it.each([
    ["a forged cookie", "next-auth.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..forged.forged.forged"],
    ["a cookie sealed with another secret", "other-secret"],
    ["an expired cookie", "expired"],
  ])("answers 401 for %s", async (_case, kind) => {
    const cookie =
      kind === "other-secret"
        ? await sessionCookie(alice.id, { secret: "x".repeat(40) })
        : kind === "expired"
          ? await sessionCookie(alice.id, { maxAgeSeconds: -60 })
          : kind
    const response = await listWith({ cookie })
    expect(response.status).toBe(401)
  })
})

describe("creating a token", () => {
  it("answers 201 with the secret once; the database keeps only its SHA-256", async () => {
    const created = await createToken(alice.id, { name: "  CI pipeline  ", expiresInDays: 30 })
    expect(created).toMatchObject({ name: "CI pipeline", prefix: created.secret.slice(0, 12) })
    expect(created.secret).toMatch(/^vlt_[A-Za-z0-9_-]{43}$/)
    const expiresIn = new Date(created.expiresAt ?? 0).getTime() - Date.now()
    expect(expiresIn).toBeGreaterThan(29.9 * 86_400_000)
    expect(expiresIn).toBeLessThanOrEqual(30 * 86_400_000)

    const rows = await query<Record<string, unknown>>(database.url, `SELECT * FROM "ApiToken" WHERE id = $1`, [
      created.id,
    ])
    expect(JSON.stringify(rows)).not.toContain(created.secret)
    const { createHash } = await import("node:crypto")
    expect(rows[0]?.tokenHash).toBe(createHash("sha256").update(created.secret).digest("hex"))
  })

  it("never lists a secret or hash, and shows only the caller's own tokens", async () => {
    await createToken(bob.id, { name: "bob's" })
    const response = await listWith(await browserHeaders(alice.id))
    expect(response.status).toBe(200)
    expect(response.headers.get("cache-control")).toBe("no-store")
    const { tokens: listed } = await response.json()
    expect(listed.map((entry: { name: string }) => entry.name)).toEqual(["CI pipeline"])
    expect(Object.keys(listed[0]).sort()).toEqual(["createdAt", "expiresAt", "id", "lastUsedAt", "name", "prefix"])
  })

  it.each([
    ["no name", {}],
    ["a blank name", { name: "   " }],
    ["a name over 100 characters", { name: "n".repeat(101) }],
    ["zero days", { name: "x", expiresInDays: 0 }],
    ["more than a year", { name: "x", expiresInDays: 366 }],
    ["days as text", { name: "x", expiresInDays: "30" }],
  ])("answers 400 for %s and creates nothing", async (_case, body) => {
    const before = await query(database.url, `SELECT id FROM "ApiToken"`)
    const response = await tokens.POST(
      apiRequest("POST", "/api/tokens", { body, headers: await browserHeaders(alice.id) }),
    )
    expect(response.status).toBe(400)
    expect((await response.json()).error.code).toBe("invalid_request")
    expect(await query(database.url, `SELECT id FROM "ApiToken"`)).toHaveLength(before.length)
  })

  it("refuses a cookie-authenticated POST without a matching Origin (CSRF), creating nothing", async () => {
    const before = await query(database.url, `SELECT id FROM "ApiToken"`)
    const cookie = await sessionCookie(alice.id)
    const attempts: Record<string, string>[] = [
      { cookie },
      { cookie, origin: "https://evil.example" },
      { cookie, origin: "null" },
      { cookie, "sec-fetch-site": "cross-site" },
    ]
    for (const headers of attempts) {
      const response = await tokens.POST(apiRequest("POST", "/api/tokens", { body: { name: "csrf" }, headers }))
      expect(response.status).toBe(403)
      expect((await response.json()).error.code).toBe("cross_origin_request")
    }
    expect(await query(database.url, `SELECT id FROM "ApiToken"`)).toHaveLength(before.length)
    // A same-origin fetch that omits Origin is vouched for by Sec-Fetch-Site.
    const vouched = await tokens.POST(
      apiRequest("POST", "/api/tokens", {
        body: { name: "vouched" },
        headers: { cookie, "sec-fetch-site": "same-origin" },
      }),
    )
    expect(vouched.status).toBe(201)
  })

  it("stops at 50 active tokens with 409 token_limit", async () => {
    const { createApiToken } = await import("@/lib/api-tokens")
    const user = { ...bob, name: null, role: "USER" as const }
    const active = Number(
      (await query<{ count: string }>(database.url, `SELECT count(*) FROM "ApiToken" WHERE "userId" = $1`, [bob.id]))[0]
        ?.count,
    )
    for (let index = active; index < 50; index++) await createApiToken(user, { name: `bulk ${index}` })
    const response = await tokens.POST(
      apiRequest("POST", "/api/tokens", { body: { name: "one too many" }, headers: await browserHeaders(bob.id) }),
    )
    expect(response.status).toBe(409)
    expect((await response.json()).error.code).toBe("token_limit")
    await query(database.url, `DELETE FROM "ApiToken" WHERE "userId" = $1`, [bob.id])
  })
})

describe("using a token", () => {
  it("acts as its user on GET and on state-changing routes, without Origin, and records its use", async () => {
    const created = await createToken(alice.id, { name: "script" })
    const listed = await listWith(bearer(created.secret))
    expect(listed.status).toBe(200)
    expect((await listed.json()).tokens.map((entry: { name: string }) => entry.name)).toContain("script")

    // No cookie is involved, so there is nothing for a cross-site page to ride on: no Origin needed.
    const another = await tokens.POST(
      apiRequest("POST", "/api/tokens", { body: { name: "made by script" }, headers: bearer(created.secret) }),
    )
    expect(another.status).toBe(201)
    const [row] = await query<{ lastUsedAt: Date | null }>(
      database.url,
      `SELECT "lastUsedAt" FROM "ApiToken" WHERE id = $1`,
      [created.id],
    )
    expect(row?.lastUsedAt).toBeInstanceOf(Date)
  })

  it.each([
    ["an unknown secret", `Bearer vlt_${"A".repeat(43)}`],
    ["a malformed secret", "Bearer not-a-valet-token"],
    ["another scheme", "Basic YWxpY2U6cGFzc3dvcmQ="],
    ["an empty bearer", "Bearer "],
  ])("answers 401 invalid_token for %s", async (_case, authorization) => {
    const response = await listWith({ authorization })
    expect(response.status).toBe(401)
    expect((await response.json()).error.code).toBe("invalid_token")
  })

  it("stops working once expired", async () => {
    const created = await createToken(alice.id, { name: "short-lived", expiresInDays: 1 })
    expect((await listWith(bearer(created.secret))).status).toBe(200)
    await query(database.url, `UPDATE "ApiToken" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [
      created.id,
    ])
    expect((await listWith(bearer(created.secret))).status).toBe(401)
    const { tokens: listed } = await (await listWith(await browserHeaders(alice.id))).json()
    expect(listed.map((entry: { id: string }) => entry.id)).not.toContain(created.id)
  })
})

describe("a token minting a token", () => {
  const mintWith = async (secret: string, body: unknown) => {
    const response = await tokens.POST(apiRequest("POST", "/api/tokens", { body, headers: bearer(secret) }))
    expect(response.status, await response.clone().text()).toBe(201)
    return (await response.json()).token as { id: string; secret: string; expiresAt: string | null }
  }

  it("cannot give the new token a later expiry than its own, nor none at all: both are capped to its own", async () => {
    const parent = await createToken(alice.id, { name: "expires in 2 days", expiresInDays: 2 })
    const parentExpiry = new Date(parent.expiresAt ?? 0).getTime()
    expect(parentExpiry).toBeGreaterThan(Date.now())

    const longer = await mintWith(parent.secret, { name: "asks for a year", expiresInDays: 365 })
    expect(new Date(longer.expiresAt ?? 0).getTime()).toBe(parentExpiry)
    const never = await mintWith(parent.secret, { name: "asks for never" })
    expect(never.expiresAt).not.toBeNull()
    expect(new Date(never.expiresAt ?? 0).getTime()).toBe(parentExpiry)
    const rows = await query<{ expiresAt: Date | null }>(
      database.url,
      `SELECT "expiresAt" FROM "ApiToken" WHERE id = ANY($1)`,
      [[longer.id, never.id]],
    )
    expect(rows.map((row) => row.expiresAt?.getTime())).toEqual([parentExpiry, parentExpiry])

    // A shorter expiry than the caller's is granted as asked.
    const shorter = await mintWith(parent.secret, { name: "asks for a day", expiresInDays: 1 })
    expect(new Date(shorter.expiresAt ?? 0).getTime()).toBeLessThan(parentExpiry)
    // And a child's children are bound by the chain: never past the first token's expiry.
    const grandchild = await mintWith(never.secret, { name: "grandchild", expiresInDays: 365 })
    expect(new Date(grandchild.expiresAt ?? 0).getTime()).toBe(parentExpiry)
  })

  it("mints what it asks for when the calling token never expires, as a session does", async () => {
    const parent = await createToken(alice.id, { name: "never expires" })
    expect(parent.expiresAt).toBeNull()
    expect((await mintWith(parent.secret, { name: "also never" })).expiresAt).toBeNull()
    const inAYear = await mintWith(parent.secret, { name: "a year", expiresInDays: 365 })
    expect(new Date(inAYear.expiresAt ?? 0).getTime()).toBeGreaterThan(Date.now() + 364 * 86_400_000)
  })
})

describe("revoking a token", () => {
  it("answers 204, and the token stops working on its next request", async () => {
    const created = await createToken(alice.id, { name: "to revoke" })
    expect((await listWith(bearer(created.secret))).status).toBe(200)
    const response = await token.DELETE(
      apiRequest("DELETE", `/api/tokens/${created.id}`, { headers: await browserHeaders(alice.id) }),
      params(created.id),
    )
    expect(response.status).toBe(204)
    expect((await listWith(bearer(created.secret))).status).toBe(401)
    // Revoking again, or an id that never existed, is a 404.
    const again = await token.DELETE(
      apiRequest("DELETE", `/api/tokens/${created.id}`, { headers: await browserHeaders(alice.id) }),
      params(created.id),
    )
    expect(again.status).toBe(404)
  })

  it("answers 404 for someone else's token and leaves it working", async () => {
    const bobs = await createToken(bob.id, { name: "bob's laptop" })
    const response = await token.DELETE(
      apiRequest("DELETE", `/api/tokens/${bobs.id}`, { headers: await browserHeaders(alice.id) }),
      params(bobs.id),
    )
    expect(response.status).toBe(404)
    expect((await response.json()).error).toEqual({ code: "not_found", message: "Token not found" })
    expect((await listWith(bearer(bobs.secret))).status).toBe(200)
  })

  it("refuses a cross-site DELETE riding on the session cookie", async () => {
    const created = await createToken(alice.id, { name: "csrf target" })
    const cookie = await sessionCookie(alice.id)
    const response = await token.DELETE(
      apiRequest("DELETE", `/api/tokens/${created.id}`, { headers: { cookie, origin: "https://evil.example" } }),
      params(created.id),
    )
    expect(response.status).toBe(403)
    expect((await listWith(bearer(created.secret))).status).toBe(200)
  })
})

describe("a disabled account", () => {
  it("loses its session and its tokens on the very next request", async () => {
    const { registerUser } = await import("@/lib/accounts")
    const carol = await registerUser({ email: "carol@example.com", password: "perfectly-fine-3" })
    const created = await createToken(carol.id, { name: "carol's" })
    const session = await browserHeaders(carol.id)
    expect((await listWith(session)).status).toBe(200)
    expect((await listWith(bearer(created.secret))).status).toBe(200)

    await query(database.url, `UPDATE "User" SET "disabledAt" = now() WHERE id = $1`, [carol.id])

    const bySession = await listWith(session)
    expect(bySession.status).toBe(401)
    expect((await bySession.json()).error.code).toBe("session_revoked")
    expect((await listWith(bearer(created.secret))).status).toBe(401)
  })
})

describe("requireAdmin", () => {
  it("answers 403 for a user and lets an admin through", async () => {
    const { requireAdmin } = await import("@/lib/auth")
    const { ApiError } = await import("@/lib/errors")
    // alice registered first on this fresh database, so she is the admin.
    await expect(
      requireAdmin(apiRequest("GET", "/api/admin/users", { headers: await browserHeaders(alice.id) })),
    ).resolves.toMatchObject({ id: alice.id, role: "ADMIN" })
    const refused = requireAdmin(apiRequest("GET", "/api/admin/users", { headers: await browserHeaders(bob.id) }))
    await expect(refused).rejects.toBeInstanceOf(ApiError)
    await expect(refused).rejects.toMatchObject({ status: 403, code: "forbidden" })
    await expect(requireAdmin(apiRequest("GET", "/api/admin/users"))).rejects.toMatchObject({ status: 401 })
  })
})
