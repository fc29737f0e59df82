import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let rateLimit: typeof import("@/lib/rate-limit")

beforeAll(async () => {
  database = await useFreshDatabase()
  rateLimit = await import("@/lib/rate-limit")
})

afterAll(() => database.cleanUp())

describe("consumeRateLimit", () => {
  it("lets exactly `limit` of many concurrent hits through", async () => {
    const rule = { key: "test:concurrent", limit: 5, windowSeconds: 60 }
    const results = await Promise.all(Array.from({ length: 25 }, () => rateLimit.consumeRateLimit(rule)))
    expect(results.filter((result) => result.allowed)).toHaveLength(5)
    expect(results.map((result) => result.hits).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 25 }, (_, index) => index + 1),
    )
  })

  it("says how long until the window ends, and starts a new window after it", async () => {
    const rule = { key: "test:window", limit: 1, windowSeconds: 1 }
    expect(await rateLimit.consumeRateLimit(rule)).toMatchObject({ allowed: true, hits: 1 })
    const refused = await rateLimit.consumeRateLimit(rule)
    expect(refused).toMatchObject({ allowed: false, hits: 2, retryAfterSeconds: 1 })
    await new Promise((resolve) => setTimeout(resolve, 1100))
    expect(await rateLimit.consumeRateLimit(rule)).toMatchObject({ allowed: true, hits: 1 })
  })

  it("keeps time in UTC whatever the database session's time zone", async () => {
    const rule = { key: "test:timezone", limit: 1, windowSeconds: 600 }
    await query(
      database.url,
      `ALTER DATABASE ${new URL(database.url).pathname.slice(1)} SET timezone TO 'Pacific/Kiritimati'`,
    )
    // New pool connections pick up the database default (UTC+14).
    const { getDb } = await import("@/lib/db")
    await getDb().$disconnect()
    const result = await rateLimit.consumeRateLimit(rule)
    expect(result.allowed).toBe(true)
    await expect(rateLimit.consumeRateLimit(rule)).resolves.toMatchObject({ allowed: false })
    expect((await rateLimit.consumeRateLimit(rule)).retryAfterSeconds).toBeGreaterThan(590)
    expect((await rateLimit.consumeRateLimit(rule)).retryAfterSeconds).toBeLessThanOrEqual(600)
  })

  it("resetRateLimit forgets a key; pruneRateLimits drops only windows that ended", async () => {
    await rateLimit.consumeRateLimit({ key: "test:reset", limit: 1, windowSeconds: 60 })
    await rateLimit.resetRateLimit("test:reset")
    expect(await rateLimit.consumeRateLimit({ key: "test:reset", limit: 1, windowSeconds: 60 })).toMatchObject({
      allowed: true,
      hits: 1,
    })

    await query(
      database.url,
      `UPDATE "RateLimit" SET "resetAt" = (now() AT TIME ZONE 'UTC') - interval '1 hour' WHERE key = 'test:concurrent'`,
    )
    expect(await rateLimit.pruneRateLimits()).toBeGreaterThanOrEqual(1)
    const keys = (await query<{ key: string }>(database.url, `SELECT key FROM "RateLimit"`)).map((row) => row.key)
    expect(keys).not.toContain("test:concurrent")
    expect(keys).toContain("test:reset")
  })
})
