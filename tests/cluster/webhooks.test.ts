/**
 * Webhook delivery across real app instances (`next start`, one database): each event is sent once
 * whichever instance's worker claims it, and an instance SIGKILLed mid-send loses nothing — another
 * sends it again after the lease (at least once, same X-Valet-Delivery).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startAppInstance, type AppInstance } from "@/tests/support/app-instance"
import { useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { startWebhookReceiver } from "@/tests/support/webhook-receiver"

const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"

describe(`webhook deliveries across app instances on ${PROFILE} storage`, () => {
  let database: Awaited<ReturnType<typeof useFreshDatabase>>
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>
  const instances: AppInstance[] = []
  let ownerId = ""
  let env: Record<string, string>

  const waitFor = async (check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  beforeAll(async () => {
    receiver = await startWebhookReceiver()
    // The in-process setup registers a webhook to the loopback receiver too.
    database = await useFreshDatabase({ WEBHOOK_ALLOWED_HOSTS: "127.0.0.1" })
    env = {
      DATABASE_URL: database.url,
      REAPER_INTERVAL_SECONDS: "3600",
      OUTBOX_INTERVAL_SECONDS: "0.3",
      WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
      WEBHOOK_LEASE_SECONDS: "4",
      WEBHOOK_BACKOFF_BASE_SECONDS: "0.5",
    }
    const { registerUser } = await import("@/lib/accounts")
    const { createWebhook } = await import("@/lib/webhooks/webhooks")
    const owner = await registerUser({ email: "cluster-hooks@example.com", password: "a long cluster password" })
    ownerId = owner.id
    await createWebhook({ ...owner, via: "session" }, { url: receiver.url("/cluster"), events: ["share.created"] })
    instances.push(...(await Promise.all([startAppInstance({ env }), startAppInstance({ env })])))
  })

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()))
    await receiver?.stop()
    await database?.cleanUp()
  })

  it("two instances deliver each of 30 events exactly once", async () => {
    const { emitWebhookEvent } = await import("@/lib/webhooks/webhooks")
    for (let index = 0; index < 30; index++)
      await emitWebhookEvent(ownerId, "share.created", { share: { id: `s${index}` } })
    await waitFor(() => receiver.received.length >= 30, 60_000, "30 deliveries")
    // A little longer: a duplicate would arrive now.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(receiver.received).toHaveLength(30)
    expect(new Set(receiver.received.map((hook) => hook.headers["x-valet-delivery"])).size).toBe(30)
    expect(new Set(receiver.received.map((hook) => JSON.parse(hook.body).data.share.id)).size).toBe(30)
  })

  it("an instance killed mid-send loses nothing: the delivery is sent again after a restart", async () => {
    const { emitWebhookEvent } = await import("@/lib/webhooks/webhooks")
    const before = receiver.received.length
    // The receiver holds the first request open: the sender is mid-delivery when it dies.
    receiver.answer({ kind: "hang" })
    await emitWebhookEvent(ownerId, "share.created", { share: { id: "crash" } })
    await waitFor(() => receiver.received.length > before, 30_000, "the first attempt")
    // Which instance claimed it does not matter: both die, as in a host crash.
    await Promise.all(instances.splice(0).map((instance) => instance.kill()))
    const [claimed] = await query<{ status: string; attempts: number }>(
      database.url,
      `SELECT status, attempts FROM "WebhookDelivery" WHERE payload->'data'->'share'->>'id' = 'crash'`,
    )
    expect(claimed).toMatchObject({ status: "pending", attempts: 1 })
    instances.push(await startAppInstance({ env }))
    await waitFor(() => receiver.received.length > before + 1, 60_000, "the redelivery")
    const attempts = receiver.received.slice(before)
    expect(attempts).toHaveLength(2)
    expect(attempts[1]?.headers["x-valet-delivery"]).toBe(attempts[0]?.headers["x-valet-delivery"])
    await waitFor(
      async () =>
        (
          await query<{ status: string }>(
            database.url,
            `SELECT status FROM "WebhookDelivery" WHERE payload->'data'->'share'->>'id' = 'crash'`,
          )
        )[0]?.status === "delivered",
      10_000,
      "the delivery to be settled",
    )
  })
})
