/**
 * Two app instances from one build share nothing but the database and the bucket: what one
 * writes the other sees, and one crashing leaves the other serving.
 */
import { randomUUID } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { applyMigrations } from "@/scripts/migrate"
import { startAppInstance, type AppInstance } from "@/tests/support/app-instance"
import { createFreshDatabase } from "@/tests/support/database"

const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"

describe(`two app instances on ${PROFILE} storage`, () => {
  let database: Awaited<ReturnType<typeof createFreshDatabase>>
  const instances: AppInstance[] = []

  beforeAll(async () => {
    database = await createFreshDatabase("cluster")
    await applyMigrations(database.url)
    const env = { DATABASE_URL: database.url, REAPER_INTERVAL_SECONDS: "3600" }
    instances.push(...(await Promise.all([startAppInstance({ env }), startAppInstance({ env })])))
  })

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()))
    await database?.drop()
  })

  it("see each other's writes, and one crashing leaves the other serving", async () => {
    const [first, second] = instances
    if (!first || !second) throw new Error("instances did not start")
    const account = { email: `cluster-${randomUUID()}@example.com`, password: "a long cluster password" }
    const register = (instance: AppInstance) =>
      fetch(`${instance.url}/api/register`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: instance.url },
        body: JSON.stringify(account),
      })

    expect((await register(first)).status).toBe(201)
    const again = await register(second)
    expect(again.status).toBe(409)
    expect(await again.json()).toMatchObject({ error: { code: "email_taken" } })

    await first.kill()
    expect(await fetch(`${first.url}/api/health`).catch(() => "refused")).toBe("refused")
    expect((await fetch(`${second.url}/api/health`)).status).toBe(200)
  })
})
