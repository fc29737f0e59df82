import { beforeAll, describe, expect, it, vi } from "vitest"
import { apiRequest } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { objectPathOf, STORED } from "@/tests/support/storage-profile"
import {
  setUpUploadsWorld,
  PROFILE,
  MIB,
  database,
  routes,
  uploads,
  body,
  complete,
  put,
  count,
  type SingleGrant,
} from "@/tests/support/uploads/world"

/**
 * A grant by API token (POST /api/uploads with `Authorization: Bearer vlt_…`): once the process has
 * seen the token, its single PUT is one database round trip (the token's check, its lastUsedAt, the
 * rate limit and the grant in one statement, lib/uploads/grant.ts grantUploadForToken). Everything
 * the separate steps answered must still be answered, in the same order, with nothing left behind.
 */
setUpUploadsWorld()

type Account = { id: string; email: string; name: string | null; role: "USER" | "ADMIN" }
let tokenOwner: Account

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` })
const grantWith = (secret: string, input: unknown) =>
  routes.grant(apiRequest("POST", "/api/uploads", { body: input, headers: bearer(secret) }))
const rawGrantWith = (secret: string, rawBody: string) =>
  routes.grant(
    apiRequest("POST", "/api/uploads", { rawBody, headers: { ...bearer(secret), "content-type": "application/json" } }),
  )

async function mintToken(user: Account, name = "script") {
  const { createApiToken } = await import("@/lib/api-tokens")
  return createApiToken({ ...user, via: "session" }, { name })
}

/** A token that has authenticated once in this process (the owner hint the one-statement grant needs). */
async function warmToken(user: Account, name?: string) {
  const token = await mintToken(user, name)
  const first = await grantWith(token.secret, { name: "warm-up.txt", size: 1, type: "text/plain" })
  expect(first.status, await first.clone().text()).toBe(201)
  return token
}

const rateHits = async (userId: string) =>
  Number(
    (
      await query<{ hits: number }>(database.url, `SELECT hits FROM "RateLimit" WHERE key = $1`, [
        `upload:user:${userId}`,
      ])
    )[0]?.hits ?? 0,
  )

/** Calls on the pool (Prisma's and the prepared statements' alike) while `work` runs. */
async function poolCalls(work: () => Promise<unknown>): Promise<number> {
  const { getPool } = await import("@/lib/db")
  const pool = getPool()
  const spy = vi.spyOn(pool, "query")
  try {
    await work()
    return spy.mock.calls.length
  } finally {
    spy.mockRestore()
  }
}

beforeAll(async () => {
  const { registerUser } = await import("@/lib/accounts")
  tokenOwner = (await registerUser({ email: "token-owner@example.com", password: "perfectly-fine-9" })) as Account
})

describe(`uploads on ${PROFILE} storage: a grant by API token`, () => {
  it("grants a working PUT under the owner's prefix, audited as the token's, in one round trip once the token is known", async () => {
    const token = await mintToken(tokenOwner, "one round trip")
    // The first use of a token this process has not seen checks it on its own first.
    const grants: SingleGrant[] = []
    for (const name of ["first.txt", "second.txt"]) {
      const data = body(100)
      let response: Response | undefined
      const calls = await poolCalls(async () => {
        response = await grantWith(token.secret, { name, size: data.length, type: "text/plain" })
      })
      expect(response?.status, await response?.clone().text()).toBe(201)
      const { upload } = (await response?.json()) as { upload: SingleGrant }
      grants.push(upload)
      if (name === "second.txt") expect(calls).toBe(1)
      expect(new URL(upload.url).pathname).toBe(objectPathOf(`u/${tokenOwner.id}/${upload.id}`))
      expect((await put(upload.url, data, upload.headers)).status).toBe(STORED)
      expect((await complete(upload.id, undefined, tokenOwner.id)).status).toBe(201)
    }
    const audit = await query<{ uploadId: string; via: string; actorId: string; objectKey: string; expiresAt: Date }>(
      database.url,
      `SELECT "uploadId", via, "actorId", "objectKey", "expiresAt" FROM "AuditEvent"
       WHERE action = 'upload.put' AND "uploadId" = ANY($1) ORDER BY "createdAt"`,
      [grants.map((grant) => grant.id)],
    )
    expect(audit).toEqual(
      grants.map((grant) => ({
        uploadId: grant.id,
        via: "token",
        actorId: tokenOwner.id,
        objectKey: `u/${tokenOwner.id}/${grant.id}`,
        expiresAt: new Date(grant.expiresAt),
      })),
    )
    const [row] = await query<{ lastUsedAt: Date | null }>(
      database.url,
      `SELECT "lastUsedAt" FROM "ApiToken" WHERE id = $1`,
      [token.id],
    )
    expect(row?.lastUsedAt).toBeInstanceOf(Date)
  })

  it("touches lastUsedAt when a minute has passed, in the same statement", async () => {
    const token = await warmToken(tokenOwner, "touched")
    await query(database.url, `UPDATE "ApiToken" SET "lastUsedAt" = now() - interval '2 minutes' WHERE id = $1`, [
      token.id,
    ])
    const before = Date.now()
    expect((await grantWith(token.secret, { name: "touch.txt", size: 1, type: "text/plain" })).status).toBe(201)
    const [row] = await query<{ recent: boolean }>(
      database.url,
      `SELECT "lastUsedAt" > (now() AT TIME ZONE 'UTC') - interval '30 seconds' AS recent FROM "ApiToken" WHERE id = $1`,
      [token.id],
    )
    expect(row?.recent, `lastUsedAt not moved since ${new Date(before).toISOString()}`).toBe(true)
  })

  it.each([
    ["revoked", `UPDATE "ApiToken" SET "revokedAt" = now() WHERE id = $1`],
    ["expired", `UPDATE "ApiToken" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`],
    [
      "of a disabled account",
      `UPDATE "User" SET "disabledAt" = now() WHERE id = (SELECT "userId" FROM "ApiToken" WHERE id = $1)`,
    ],
  ])("answers 401 invalid_token for a known token since %s, charging and writing nothing", async (_case, change) => {
    const { registerUser } = await import("@/lib/accounts")
    const user = (await registerUser({
      email: `gone-${Math.random().toString(36).slice(2)}@example.com`,
      password: "perfectly-fine-8",
    })) as Account
    const token = await warmToken(user)
    await query(database.url, change, [token.id])
    const before = [await count("Upload"), await count("AuditEvent"), await rateHits(user.id)]
    const response = await grantWith(token.secret, { name: "after.txt", size: 1, type: "text/plain" })
    expect(response.status).toBe(401)
    expect((await response.json()).error.code).toBe("invalid_token")
    expect([await count("Upload"), await count("AuditEvent"), await rateHits(user.id)]).toEqual(before)
  })

  it("answers 429 with Retry-After over the grant rate limit, minting nothing", async () => {
    const { registerUser } = await import("@/lib/accounts")
    const user = (await registerUser({ email: "busy-token@example.com", password: "perfectly-fine-7" })) as Account
    const token = await warmToken(user)
    await query(
      database.url,
      `UPDATE "RateLimit" SET hits = $2, "resetAt" = (now() AT TIME ZONE 'UTC') + interval '5 minutes' WHERE key = $1`,
      [`upload:user:${user.id}`, uploads.uploadGrantLimit().limit],
    )
    const before = [await count("Upload"), await count("AuditEvent")]
    const response = await grantWith(token.secret, { name: "spam.txt", size: 1, type: "text/plain" })
    expect(response.status).toBe(429)
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(250)
    expect((await response.json()).error.code).toBe("rate_limited")
    expect([await count("Upload"), await count("AuditEvent")]).toEqual(before)
  })

  it("answers 403 quota_exceeded as a session's grant does, and concurrent grants fill the quota exactly", async () => {
    const { registerUser } = await import("@/lib/accounts")
    const user = (await registerUser({ email: "full-token@example.com", password: "perfectly-fine-6" })) as Account
    const token = await warmToken(user)
    await query(database.url, `UPDATE "User" SET "quotaBytes" = $2 WHERE id = $1`, [user.id, 5 * MIB + 1])
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        grantWith(token.secret, { name: `race-${index}.bin`, size: MIB, type: "application/octet-stream" }),
      ),
    )
    expect(responses.map((response) => response.status).sort()).toEqual([...Array(5).fill(201), ...Array(7).fill(403)])
    const refused = await responses.find((response) => response.status === 403)?.json()
    expect(refused.error).toEqual({
      code: "quota_exceeded",
      message: "This upload needs 1 MiB but only 0 bytes of your 5 MiB are free",
    })
    const [uploaded] = await query<{ count: string; bytes: string }>(
      database.url,
      `SELECT count(*), sum(size) AS bytes FROM "Upload" WHERE "ownerId" = $1`,
      [user.id],
    )
    expect([Number(uploaded?.count), Number(uploaded?.bytes)]).toEqual([6, 5 * MIB + 1])
    expect(
      await query(database.url, `SELECT id FROM "AuditEvent" WHERE "actorId" = $1 AND action = 'upload.put'`, [
        user.id,
      ]),
    ).toHaveLength(6)
  })

  it("answers 401 before any complaint about the body for a wrong token, and 400 or 413 for a right one", async () => {
    const token = await warmToken(tokenOwner, "body checks")
    const wrong = `vlt_${"A".repeat(43)}`
    const cases: [string, (secret: string) => Promise<Response>, number][] = [
      ["not JSON", (secret) => rawGrantWith(secret, "{"), 400],
      ["a bad size", (secret) => grantWith(secret, { name: "a", size: -1 }), 400],
      ["an over-size file", (secret) => grantWith(secret, { name: "huge.iso", size: 64 * MIB + 1 }), 413],
    ]
    for (const [what, send, status] of cases) {
      const before = await count("Upload")
      const refused = await send(wrong)
      expect(refused.status, what).toBe(401)
      expect((await refused.json()).error.code, what).toBe("invalid_token")
      expect((await send(token.secret)).status, what).toBe(status)
      expect(await count("Upload"), what).toBe(before)
    }
  })

  it("grants a multipart upload by token the usual way", async () => {
    const token = await warmToken(tokenOwner, "multipart")
    const response = await grantWith(token.secret, {
      name: "big.bin",
      size: 12 * MIB,
      type: "application/octet-stream",
    })
    expect(response.status, await response.clone().text()).toBe(201)
    expect((await response.json()).upload).toMatchObject({ multipart: true, partSize: 5 * MIB, partCount: 3 })
  })
})
