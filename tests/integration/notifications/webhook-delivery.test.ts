import { describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { waitForMail } from "@/tests/support/mail"
import { startWebhookReceiver, type ReceivedHook } from "@/tests/support/webhook-receiver"
import {
  setUpNotificationsWorld,
  PROFILE,
  database,
  receiver,
  routes,
  deliver,
  send,
  owner,
  params,
  drainWebhooks,
  drainMail,
  uploadFile,
  createShare,
  addWebhook,
} from "@/tests/support/notifications/world"

/**
 * How webhooks are delivered: retries with backoff, no redirects, oversize and slow receivers cut
 * off, one delivery across concurrent workers, and failing webhooks marked failed and paused.
 */
setUpNotificationsWorld()

describe(`webhooks on ${PROFILE} storage: delivery`, () => {
  it("retries after a 500 and after the receiver was down, with backoff, logging each attempt", async () => {
    const { body } = await addWebhook(receiver.url("/flaky"), ["share.created"])
    const id = body.webhook.id as string
    receiver.answer({ kind: "status", status: 500 }, { kind: "status", status: 503 })
    const file = await uploadFile("flaky.txt")
    expect((await createShare({ fileIds: [file.id] })).status).toBe(201)
    for (
      let round = 0;
      round < 40 &&
      !receiver.received.some(
        (hook) => hook.path === "/flaky" && receiver.received.filter((h) => h.path === "/flaky").length >= 3,
      );
      round++
    ) {
      await deliver.processWebhookDeliveriesOnce()
      await new Promise((resolve) => setTimeout(resolve, 150))
    }
    const log = await (
      await routes.deliveries(
        apiRequest("GET", `/api/webhooks/${id}/deliveries`, { headers: await browserHeaders(owner.id) }),
        params({ id }),
      )
    ).json()
    expect(log.deliveries[0]).toMatchObject({ status: "delivered", attempts: 3 })
    expect(log.deliveries[0].log.map((attempt: { statusCode: number }) => attempt.statusCode)).toEqual([500, 503, 204])
    const flaky = receiver.received.filter((hook) => hook.path === "/flaky")
    // Same delivery id on every attempt (receivers deduplicate on it), later attempts spaced by backoff.
    expect(new Set(flaky.map((hook) => hook.headers["x-valet-delivery"])).size).toBe(1)
    expect((flaky[2]?.at ?? 0) - (flaky[1]?.at ?? 0)).toBeGreaterThanOrEqual(250)

    // A receiver that is down: connection refused, then delivered once it listens again.
    const down = await startWebhookReceiver()
    const port = down.port
    await down.stop()
    const { body: downBody } = await addWebhook(`http://127.0.0.1:${port}/later`, ["share.created"])
    expect((await createShare({ fileIds: [file.id] })).status).toBe(201)
    await drainWebhooks(1)
    const [pending] = await query<{ status: string; lastError: string }>(
      database.url,
      `SELECT status, "lastError" FROM "WebhookDelivery" WHERE "webhookId" = $1`,
      [downBody.webhook.id],
    )
    expect(pending).toMatchObject({ status: "pending", lastError: expect.stringMatching(/ECONNREFUSED/) })
    const back = await startWebhookReceiver(port)
    try {
      for (let round = 0; round < 40 && back.received.length === 0; round++) {
        await deliver.processWebhookDeliveriesOnce()
        await new Promise((resolve) => setTimeout(resolve, 150))
      }
      expect(back.received).toHaveLength(1)
      expect(back.received[0]?.headers["x-valet-event"]).toBe("share.created")
    } finally {
      await back.stop()
    }
  })

  it("does not follow redirects, and cuts off oversize and slow receivers", async () => {
    receiver.answer({ kind: "status", status: 302 })
    const redirected = await send.sendWebhook({
      url: receiver.url("/redirect"),
      body: "{}",
      headers: {},
      timeoutMs: 1500,
      allowedHosts: ["127.0.0.1"],
    })
    expect(redirected).toMatchObject({ statusCode: 302, error: "receiver answered 302" })

    receiver.answer({ kind: "huge", bytes: 8 * 1024 * 1024 })
    const huge = await send.sendWebhook({
      url: receiver.url("/huge"),
      body: "{}",
      headers: {},
      timeoutMs: 5000,
      allowedHosts: ["127.0.0.1"],
    })
    expect(huge.statusCode).toBe(200)
    expect(huge.bodyBytes).toBe(64 * 1024)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(receiver.closedEarly()).toBeGreaterThanOrEqual(1)

    receiver.answer({ kind: "hang" })
    const started = Date.now()
    const slow = await send.sendWebhook({
      url: receiver.url("/slow"),
      body: "{}",
      headers: {},
      timeoutMs: 1000,
      allowedHosts: ["127.0.0.1"],
    })
    expect(slow).toMatchObject({ statusCode: null, error: "timed out after 1000 ms" })
    expect(Date.now() - started).toBeLessThan(2500)
  })

  it("lets concurrent workers send each delivery once, and a crashed worker's claim is retried after its lease", async () => {
    const { body } = await addWebhook(receiver.url("/many"), ["share.created"])
    const file = await uploadFile("many.txt")
    for (let index = 0; index < 12; index++) expect((await createShare({ fileIds: [file.id] })).status).toBe(201)
    await Promise.all([
      deliver.processWebhookDeliveriesOnce(),
      deliver.processWebhookDeliveriesOnce(),
      deliver.processWebhookDeliveriesOnce(),
    ])
    await drainWebhooks()
    const many = receiver.received.filter((hook) => hook.path === "/many")
    expect(many).toHaveLength(12)
    expect(new Set(many.map((hook) => hook.headers["x-valet-delivery"])).size).toBe(12)

    // An instance claims a delivery and dies before sending: the claim as the worker makes it.
    expect((await createShare({ fileIds: [file.id] })).status).toBe(201)
    await query(
      database.url,
      `UPDATE "WebhookDelivery" SET attempts = attempts + 1, "nextAttemptAt" = (now() AT TIME ZONE 'UTC') + interval '2 seconds'
       WHERE "webhookId" = $1 AND status = 'pending'`,
      [body.webhook.id],
    )
    // While the lease runs nobody else sends it …
    expect(await deliver.processWebhookDeliveriesOnce()).toEqual({ delivered: 0, failed: 0 })
    // … and after it, another instance does.
    await new Promise((resolve) => setTimeout(resolve, 2100))
    await drainWebhooks()
    expect(receiver.received.filter((hook) => hook.path === "/many")).toHaveLength(13)
  })

  it("marks a delivery failed after the retry window and pauses a webhook failing that long, mailing its owner", async () => {
    const { body } = await addWebhook(receiver.url("/dead"), ["share.created"])
    const id = body.webhook.id as string
    const file = await uploadFile("dead.txt")
    expect((await createShare({ fileIds: [file.id] })).status).toBe(201)
    expect((await createShare({ fileIds: [file.id] })).status).toBe(201)
    // A day of failures, without waiting a day: the first failure and the deliveries are a day old.
    await query(
      database.url,
      `UPDATE "Webhook" SET "failingSince" = (now() AT TIME ZONE 'UTC') - interval '25 hours' WHERE id = $1`,
      [id],
    )
    await query(
      database.url,
      `UPDATE "WebhookDelivery" SET "createdAt" = (now() AT TIME ZONE 'UTC') - interval '25 hours' WHERE "webhookId" = $1`,
      [id],
    )
    receiver.answer({ kind: "status", status: 500 }, { kind: "status", status: 500 })
    await drainWebhooks()
    const rows = await query<{ status: string }>(
      database.url,
      `SELECT status FROM "WebhookDelivery" WHERE "webhookId" = $1`,
      [id],
    )
    expect(rows.map((row) => row.status)).toEqual(["failed", "failed"])
    const [hook] = await query<{ pausedAt: Date | null }>(
      database.url,
      `SELECT "pausedAt" FROM "Webhook" WHERE id = $1`,
      [id],
    )
    expect(hook?.pausedAt).toBeInstanceOf(Date)
    const mail = await waitForMail(owner.email, { subject: "A webhook was paused", deliver: drainMail })
    expect(mail.text).toContain(receiver.url("/dead"))
    // Paused: new events are not queued for it; a test-send resumes it.
    expect((await createShare({ fileIds: [file.id] })).status).toBe(201)
    expect((await query(database.url, `SELECT 1 FROM "WebhookDelivery" WHERE "webhookId" = $1`, [id])).length).toBe(2)
    const tested = await routes.test(
      apiRequest("POST", `/api/webhooks/${id}/test`, { headers: await browserHeaders(owner.id) }),
      params({ id }),
    )
    expect(tested.status).toBe(202)
    await drainWebhooks()
    const testHook = receiver.received.filter((received: ReceivedHook) => received.path === "/dead").at(-1)
    expect(testHook?.headers["x-valet-event"]).toBe("webhook.test")
    const [resumed] = await query<{ pausedAt: Date | null }>(
      database.url,
      `SELECT "pausedAt" FROM "Webhook" WHERE id = $1`,
      [id],
    )
    expect(resumed?.pausedAt).toBeNull()
  })
})
