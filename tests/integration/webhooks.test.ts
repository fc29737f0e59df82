import { randomBytes } from "node:crypto"
import { lookup } from "node:dns/promises"
import { hostname } from "node:os"
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest"
import { apiRequest, browserHeaders, captureLogs, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { mailsTo, waitForMail } from "@/tests/support/mail"
import { isValidSignature, startWebhookReceiver, type ReceivedHook } from "@/tests/support/webhook-receiver"
import { SIGNATURE_PATTERN, STORED } from "@/tests/support/storage-profile"

/**
 * Webhooks and notifications (issue 18) against real PostgreSQL, each real S3 server, the real SMTP
 * catcher and a real HTTP receiver on loopback (allowed by WEBHOOK_ALLOWED_HOSTS=127.0.0.1).
 */
const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const RUN = randomBytes(4).toString("hex")
const address = (name: string) => `${name}-${RUN}@example.com`

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>
let routes: {
  grant: typeof import("@/app/api/uploads/route").POST
  complete: typeof import("@/app/api/uploads/[id]/complete/route").POST
  createShare: typeof import("@/app/api/shares/route").POST
  editShare: typeof import("@/app/api/shares/[id]/route").PATCH
  revoke: typeof import("@/app/api/shares/[id]/route").DELETE
  recipients: typeof import("@/app/api/shares/[id]/recipients/route")
  fileDownload: typeof import("@/app/s/[token]/files/[fileId]/download/route").GET
  downloadAll: typeof import("@/app/s/[token]/download-all/route").POST
  createRequest: typeof import("@/app/api/upload-requests/route").POST
  requestGrant: typeof import("@/app/api/r/[token]/uploads/route").POST
  requestComplete: typeof import("@/app/api/r/[token]/uploads/[id]/complete/route").POST
  webhooks: typeof import("@/app/api/webhooks/route")
  deleteWebhook: typeof import("@/app/api/webhooks/[id]/route").DELETE
  deliveries: typeof import("@/app/api/webhooks/[id]/deliveries/route").GET
  test: typeof import("@/app/api/webhooks/[id]/test/route").POST
  settings: typeof import("@/app/api/account/notifications/route")
}
let deliver: typeof import("@/lib/webhooks/deliver")
let send: typeof import("@/lib/webhooks/send")
let outbox: typeof import("@/lib/outbox")
let owner: { id: string; email: string }
let stranger: { id: string; email: string }
const logged: string[] = []

const params = <T extends Record<string, string>>(values: T) => ({ params: Promise.resolve(values) })
const tokenOf = (url: string) => new URL(url).pathname.split("/").at(-1) ?? ""
const recipientHeaders = { "x-forwarded-for": "198.51.100.7", "user-agent": "webhooks-test/1.0" }

async function drainWebhooks(rounds = 20) {
  for (let round = 0; round < rounds; round++) {
    const { delivered, failed } = await deliver.processWebhookDeliveriesOnce()
    if (delivered + failed === 0) return
  }
}
const drainMail = () => outbox.processOutboxOnce(["mail", "share-downloads"])

async function uploadFile(name: string, userId = owner.id) {
  const data = new Uint8Array(randomBytes(64))
  const headers = await browserHeaders(userId)
  const granted = await routes.grant(
    apiRequest("POST", "/api/uploads", { body: { name, size: data.length, type: "text/plain" }, headers }),
  )
  expect(granted.status, await granted.clone().text()).toBe(201)
  const { upload } = await granted.json()
  expect((await fetch(upload.url, { method: "PUT", body: data, headers: upload.headers })).status).toBe(STORED)
  const completed = await routes.complete(
    apiRequest("POST", `/api/uploads/${upload.id}/complete`, { headers }),
    params({ id: upload.id }),
  )
  expect(completed.status).toBe(201)
  return (await completed.json()).file as { id: string; name: string }
}

async function createShare(body: Record<string, unknown>, userId = owner.id) {
  return routes.createShare(apiRequest("POST", "/api/shares", { body, headers: await browserHeaders(userId) }))
}

async function addWebhook(url: string, events: string[], userId = owner.id) {
  const response = await routes.webhooks.POST(
    apiRequest("POST", "/api/webhooks", { body: { url, events }, headers: await browserHeaders(userId) }),
  )
  return { status: response.status, body: await response.json() }
}

const ALL_EVENTS = ["file.uploaded", "share.created", "share.downloaded", "share.revoked", "upload_request.received"]

beforeAll(async () => {
  receiver = await startWebhookReceiver()
  database = await useFreshDatabase({
    WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
    WEBHOOK_BACKOFF_BASE_SECONDS: "0.2",
    WEBHOOK_TIMEOUT_SECONDS: "1.5",
    WEBHOOK_LEASE_SECONDS: "2",
    SHARE_EMAIL_DAILY_LIMIT: "8",
  })
  captureLogs(logged)
  routes = {
    grant: (await import("@/app/api/uploads/route")).POST,
    complete: (await import("@/app/api/uploads/[id]/complete/route")).POST,
    createShare: (await import("@/app/api/shares/route")).POST,
    editShare: (await import("@/app/api/shares/[id]/route")).PATCH,
    revoke: (await import("@/app/api/shares/[id]/route")).DELETE,
    recipients: await import("@/app/api/shares/[id]/recipients/route"),
    fileDownload: (await import("@/app/s/[token]/files/[fileId]/download/route")).GET,
    downloadAll: (await import("@/app/s/[token]/download-all/route")).POST,
    createRequest: (await import("@/app/api/upload-requests/route")).POST,
    requestGrant: (await import("@/app/api/r/[token]/uploads/route")).POST,
    requestComplete: (await import("@/app/api/r/[token]/uploads/[id]/complete/route")).POST,
    webhooks: await import("@/app/api/webhooks/route"),
    deleteWebhook: (await import("@/app/api/webhooks/[id]/route")).DELETE,
    deliveries: (await import("@/app/api/webhooks/[id]/deliveries/route")).GET,
    test: (await import("@/app/api/webhooks/[id]/test/route")).POST,
    settings: await import("@/app/api/account/notifications/route"),
  }
  deliver = await import("@/lib/webhooks/deliver")
  send = await import("@/lib/webhooks/send")
  outbox = await import("@/lib/outbox")
  await import("@/lib/mail/outbox")
  const { registerUser } = await import("@/lib/accounts")
  owner = await registerUser({ email: address("owner"), password: "perfectly-fine-1" })
  stranger = await registerUser({ email: address("stranger"), password: "perfectly-fine-2" })
})

// Every test starts without webhooks, so one test's receiver never takes another's events.
afterEach(async () => {
  await query(database.url, `DELETE FROM "Webhook"`)
})

afterAll(async () => {
  vi.restoreAllMocks()
  await receiver?.stop()
  await database.cleanUp()
})

describe(`webhooks on ${PROFILE} storage`, () => {
  it("fires every event once, signed, with summaries that hold no key, URL signature or token", async () => {
    const created = await addWebhook(receiver.url("/all"), ALL_EVENTS)
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const { secret, id } = created.body.webhook as { secret: string; id: string }
    expect(secret).toMatch(/^whsec_/)
    // The secret is shown once: the list never has it.
    const listed = await (
      await routes.webhooks.GET(apiRequest("GET", "/api/webhooks", { headers: await browserHeaders(owner.id) }))
    ).json()
    expect(JSON.stringify(listed)).not.toContain(secret)

    const file = await uploadFile("report.txt")
    const shareResponse = await createShare({ fileIds: [file.id], title: "Report" })
    expect(shareResponse.status).toBe(201)
    const share = (await shareResponse.json()).share as { id: string; url: string }
    const token = tokenOf(share.url)
    const download = await routes.fileDownload(
      apiRequest("GET", `/s/${token}/files/${file.id}/download`, { headers: recipientHeaders }),
      params({ token, fileId: file.id }),
    )
    expect(download.status).toBe(302)
    const zip = await routes.downloadAll(
      apiRequest("POST", `/s/${token}/download-all`, { headers: recipientHeaders }),
      params({ token }),
    )
    expect(zip.status).toBe(200)
    expect(
      (
        await routes.revoke(
          apiRequest("DELETE", `/api/shares/${share.id}`, { headers: await browserHeaders(owner.id) }),
          params({ id: share.id }),
        )
      ).status,
    ).toBe(204)

    const requestResponse = await routes.createRequest(
      apiRequest("POST", "/api/upload-requests", {
        body: { title: "Send slides" },
        headers: await browserHeaders(owner.id),
      }),
    )
    expect(requestResponse.status).toBe(201)
    const requestToken = tokenOf((await requestResponse.json()).uploadRequest.url)
    const data = new Uint8Array(randomBytes(32))
    const outsider = { "x-forwarded-for": "198.51.100.9" }
    const granted = await routes.requestGrant(
      apiRequest("POST", `/api/r/${requestToken}/uploads`, {
        body: { name: "slides.txt", size: data.length, type: "text/plain" },
        headers: outsider,
      }),
      params({ token: requestToken }),
    )
    expect(granted.status, await granted.clone().text()).toBe(201)
    const { upload } = await granted.json()
    expect((await fetch(upload.url, { method: "PUT", body: data, headers: upload.headers })).status).toBe(STORED)
    const done = await routes.requestComplete(
      apiRequest("POST", `/api/r/${requestToken}/uploads/${upload.id}/complete`, { headers: outsider }),
      params({ token: requestToken, id: upload.id }),
    )
    expect(done.status).toBe(201)

    const arrived = await waitForMail(owner.email, {
      subject: 'Files arrived through "Send slides"',
      deliver: drainMail,
    })
    expect(arrived.text).toContain("slides.txt")

    // A stranger's activity never reaches the owner's webhook.
    await uploadFile("not-yours.txt", stranger.id)

    await drainWebhooks()
    const hooks = receiver.received.filter((hook) => hook.path === "/all")
    const types = hooks.map((hook) => hook.headers["x-valet-event"]).sort()
    expect(types).toEqual(
      [
        "file.uploaded",
        "file.uploaded",
        "share.created",
        "share.downloaded",
        "share.downloaded",
        "share.revoked",
        "upload_request.received",
      ].sort(),
    )
    const deliveryIds = new Set(hooks.map((hook) => hook.headers["x-valet-delivery"]))
    expect(deliveryIds.size).toBe(hooks.length)
    for (const hook of hooks) {
      expect(isValidSignature(secret, hook)).toBe(true)
      expect(isValidSignature("whsec_wrong", hook)).toBe(false)
      const body = JSON.parse(hook.body) as { id: string; type: string; createdAt: string; data: unknown }
      expect(body.type).toBe(hook.headers["x-valet-event"])
      expect(body.id).toMatch(/^evt_/)
      expect(Math.abs(Number(hook.headers["x-valet-timestamp"]) * 1000 - Date.now())).toBeLessThan(60_000)
      expect(hook.body).not.toMatch(/X-Amz-|objectKey|u\/[a-z0-9]+\/|\/s\/|\/r\//i)
      expect(hook.body).not.toMatch(SIGNATURE_PATTERN)
      expect(hook.body).not.toContain(token)
      expect(hook.body).not.toContain(requestToken)
    }
    const downloaded = hooks
      .filter((hook) => hook.headers["x-valet-event"] === "share.downloaded")
      .map((hook) => JSON.parse(hook.body).data)
    expect(downloaded).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "file", file: { id: file.id, name: "report.txt" } }),
        expect.objectContaining({ kind: "all" }),
      ]),
    )
    // Each delivery is in the log with its attempt, status and latency.
    const log = await (
      await routes.deliveries(
        apiRequest("GET", `/api/webhooks/${id}/deliveries`, { headers: await browserHeaders(owner.id) }),
        params({ id }),
      )
    ).json()
    expect(log.deliveries).toHaveLength(hooks.length)
    for (const delivery of log.deliveries) {
      expect(delivery).toMatchObject({ status: "delivered", attempts: 1 })
      expect(delivery.log).toEqual([
        expect.objectContaining({ statusCode: 204, error: null, latencyMs: expect.any(Number) }),
      ])
    }
    // Another user's webhook is a 404 on every route.
    const foreign = await browserHeaders(stranger.id)
    expect(
      (
        await routes.deliveries(
          apiRequest("GET", `/api/webhooks/${id}/deliveries`, { headers: foreign }),
          params({ id }),
        )
      ).status,
    ).toBe(404)
    expect(
      (await routes.test(apiRequest("POST", `/api/webhooks/${id}/test`, { headers: foreign }), params({ id }))).status,
    ).toBe(404)
    expect(
      (await routes.deleteWebhook(apiRequest("DELETE", `/api/webhooks/${id}`, { headers: foreign }), params({ id })))
        .status,
    ).toBe(404)
    expect(
      (
        await routes.deleteWebhook(
          apiRequest("DELETE", `/api/webhooks/${id}`, { headers: await browserHeaders(owner.id) }),
          params({ id }),
        )
      ).status,
    ).toBe(204)
  })

  it("fires share.revoked when deleting a file revokes its links", async () => {
    const { body } = await addWebhook(receiver.url("/deleted"), ["share.revoked"])
    expect(body.webhook.id).toBeTruthy()
    const file = await uploadFile("doomed.txt")
    const share = (await (await createShare({ fileIds: [file.id] })).json()).share as { id: string }
    const { DELETE } = await import("@/app/api/files/[id]/route")
    expect(
      (
        await DELETE(
          apiRequest("DELETE", `/api/files/${file.id}`, { headers: await browserHeaders(owner.id) }),
          params({ id: file.id }),
        )
      ).status,
    ).toBe(204)
    await drainWebhooks()
    const revoked = receiver.received
      .filter((hook) => hook.path === "/deleted")
      .map((hook) => JSON.parse(hook.body).data)
    expect(revoked).toEqual([{ share: { id: share.id }, revokedBy: "file_deleted" }])
  })

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

  it("refuses loopback, private, link-local and metadata addresses unless allowed, also behind a name", async () => {
    const port = receiver.port
    const before = receiver.received.length
    // The machine's own name resolves to loopback on Debian-like hosts; the check needs such a name.
    const answers = await lookup(hostname(), { all: true }).catch(() => [])
    const loopbackName =
      answers.length > 0 && answers.every((answer) => /^127\.|^::1$/.test(answer.address)) ? hostname() : undefined
    expect(loopbackName ?? "localhost").toBeTruthy()
    const targets = [
      `http://127.0.0.1:${port}/ssrf`,
      `http://10.0.0.1:${port}/ssrf`,
      "http://169.254.169.254/latest/meta-data/",
      `http://[::1]:${port}/ssrf`,
      `http://[::ffff:127.0.0.1]:${port}/ssrf`,
      `http://[::ffff:a9fe:a9fe]/ssrf`,
      `http://localhost:${port}/ssrf`,
      // A name that only DNS (/etc/hosts) turns into loopback: judged at delivery time.
      ...(loopbackName ? [`http://${loopbackName}:${port}/ssrf`] : []),
      `http://172.16.5.4/ssrf`,
      `http://192.168.1.1/ssrf`,
      `http://100.64.0.1/ssrf`,
      `http://[fe80::1]/ssrf`,
      `http://[fd00::1]/ssrf`,
      `http://0.0.0.0:${port}/ssrf`,
    ]
    for (const url of targets) {
      const result = await send.sendWebhook({ url, body: "{}", headers: {}, timeoutMs: 1500, allowedHosts: [] })
      expect(result.error, url).toMatch(/^refused/)
      expect(result.statusCode).toBeNull()
    }
    expect(receiver.received.length).toBe(before)
    // Allowed by name: the operator's WEBHOOK_ALLOWED_HOSTS.
    for (const [url, allowed] of [
      [`http://127.0.0.1:${port}/ssrf`, ["127.0.0.1"]],
      [`http://localhost:${port}/ssrf`, ["localhost"]],
    ] as const) {
      const result = await send.sendWebhook({ url, body: "{}", headers: {}, timeoutMs: 1500, allowedHosts: allowed })
      expect(result, url).toMatchObject({ statusCode: 204, error: null })
    }
    // At creation: obviously internal literals are a 400 at once (127.0.0.1 is allowed in this file).
    for (const url of [
      "http://10.1.2.3/x",
      "http://169.254.169.254/",
      "http://[::1]/x",
      "http://localhost/x",
      "ftp://example.com/",
      "http://user:pw@example.com/",
    ]) {
      const response = await addWebhook(url, ["share.created"])
      expect(response.status, url).toBe(400)
      expect(response.body.error.code).toBe(
        url.startsWith("ftp") || url.includes("@") ? "webhook_url_forbidden" : "webhook_url_forbidden",
      )
    }
    for (const body of [
      { url: "https://example.com/x", events: [] },
      { url: "https://example.com/x", events: ["share.exploded"] },
      { url: 5, events: ["share.created"] },
    ]) {
      const response = await routes.webhooks.POST(
        apiRequest("POST", "/api/webhooks", { body, headers: await browserHeaders(owner.id) }),
      )
      expect(response.status).toBe(400)
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

describe(`mail notifications and share by email on ${PROFILE} storage`, () => {
  it("mails a link to recipients (its page URL, never a presigned one), lists them, and limits them per day", async () => {
    const file = await uploadFile("for-you.txt")
    const to = [address("r1"), address("r2"), address("r3")]
    const response = await createShare({
      fileIds: [file.id],
      title: "For you",
      recipients: to,
      recipientMessage: "Here they are",
    })
    expect(response.status, await response.clone().text()).toBe(201)
    const share = (await response.json()).share as { id: string; url: string; sentTo: string[] }
    expect(share.sentTo).toEqual(to)
    await drainMail()
    for (const recipient of to) {
      const mail = await waitForMail(recipient, { deliver: drainMail })
      expect(mail.subject).toContain('shared "For you" with you')
      expect(mail.text).toContain("Here they are")
      expect(mail.links).toEqual([share.url])
      expect(mail.text).not.toMatch(SIGNATURE_PATTERN)
    }
    const listed = await (
      await routes.recipients.GET(
        apiRequest("GET", `/api/shares/${share.id}/recipients`, { headers: await browserHeaders(owner.id) }),
        params({ id: share.id }),
      )
    ).json()
    expect(listed.recipients.map((recipient: { email: string }) => recipient.email).sort()).toEqual([...to].sort())
    expect(listed).toMatchObject({ notifyDownloads: true, notifyExpiry: true })
    expect(
      (
        await routes.recipients.GET(
          apiRequest("GET", `/api/shares/${share.id}/recipients`, { headers: await browserHeaders(stranger.id) }),
          params({ id: share.id }),
        )
      ).status,
    ).toBe(404)

    // More than 20 at once, or a bad address: 400 and nothing is created or sent.
    const [{ count: sharesBefore = "0" } = {}] = await query<{ count: string }>(
      database.url,
      `SELECT count(*) FROM "Share"`,
    )
    const tooMany = Array.from({ length: 21 }, (_, index) => address(`many${index}`))
    for (const recipients of [tooMany, ["not-an-address"]]) {
      const refused = await createShare({ fileIds: [file.id], recipients })
      expect(refused.status).toBe(400)
    }
    expect((await query<{ count: string }>(database.url, `SELECT count(*) FROM "Share"`))[0]?.count).toBe(sharesBefore)

    // The daily allowance is 8 addresses here: 3 used, 5 more pass, then 429 with Retry-After.
    const edit = (recipients: string[]) =>
      routes.editShare(
        apiRequest("PATCH", `/api/shares/${share.id}`, { body: { recipients }, headers: browserHeadersSync }),
        params({ id: share.id }),
      )
    const browserHeadersSync = await browserHeaders(owner.id)
    const six = Array.from({ length: 6 }, (_, index) => address(`more${index}`))
    const over = await edit(six)
    expect(over.status).toBe(429)
    expect(over.headers.get("retry-after")).toMatch(/^\d+$/)
    const fits = await edit(six.slice(0, 5))
    expect(fits.status, await fits.clone().text()).toBe(200)
    expect((await edit([address("one-more")])).status).toBe(429)
    // Creating a link with recipients over the allowance: 429 and no link is left behind.
    const [{ count: linksBefore = "0" } = {}] = await query<{ count: string }>(
      database.url,
      `SELECT count(*) FROM "Share"`,
    )
    expect((await createShare({ fileIds: [file.id], recipients: [address("late")] })).status).toBe(429)
    expect((await query<{ count: string }>(database.url, `SELECT count(*) FROM "Share"`))[0]?.count).toBe(linksBefore)
    await drainMail()
    expect(await mailsTo(six[5] ?? "", undefined)).toHaveLength(0)
  })

  it("mails the owner one download summary per link per interval, and when files arrive through a request", async () => {
    const file = await uploadFile("popular.txt")
    const response = await createShare({ fileIds: [file.id], title: "Popular" })
    const share = (await response.json()).share as { id: string; url: string }
    const token = tokenOf(share.url)
    const downloadOnce = () =>
      routes.fileDownload(
        apiRequest("GET", `/s/${token}/files/${file.id}/download`, { headers: recipientHeaders }),
        params({ token, fileId: file.id }),
      )
    expect((await downloadOnce()).status).toBe(302)
    const first = await waitForMail(owner.email, { subject: 'Your link "Popular"', deliver: drainMail })
    expect(first.subject).toContain("was downloaded")
    expect(first.text).toContain("popular.txt: 1")
    // Two more downloads within the interval: one more mail, due 10 minutes after the first.
    expect((await downloadOnce()).status).toBe(302)
    expect((await downloadOnce()).status).toBe(302)
    await drainMail()
    expect(
      await mailsTo(owner.email).then((mails) =>
        mails.filter((mail) => mail.subject.startsWith('Your link "Popular"')),
      ),
    ).toHaveLength(1)
    const queued = await query<{ wait: number }>(
      database.url,
      `SELECT EXTRACT(EPOCH FROM ("nextAttemptAt" - (now() AT TIME ZONE 'UTC')))::float AS wait FROM "OutboxMessage"
       WHERE kind = 'share-downloads' AND "sentAt" IS NULL`,
    )
    expect(queued).toHaveLength(1)
    expect(queued[0]?.wait).toBeGreaterThan(590)
    // The interval passes: the summary counts both downloads.
    await query(
      database.url,
      `UPDATE "OutboxMessage" SET "nextAttemptAt" = now() AT TIME ZONE 'UTC' WHERE kind = 'share-downloads' AND "sentAt" IS NULL`,
    )
    const second = await waitForMail(owner.email, { subject: 'Your link "Popular"', count: 2, deliver: drainMail })
    expect(second.subject).toContain("downloaded 2 times")

    // Switched off in settings: no more download mail.
    const off = await routes.settings.PATCH(
      apiRequest("PATCH", "/api/account/notifications", {
        body: { notifyDownloads: false },
        headers: await browserHeaders(owner.id),
      }),
    )
    expect((await off.json()).settings).toMatchObject({
      notifyDownloads: false,
      notifyUploadRequests: true,
      notifyExpiry: false,
    })
    await query(database.url, `UPDATE "Share" SET "downloadsNotifiedAt" = NULL WHERE id = $1`, [share.id])
    expect((await downloadOnce()).status).toBe(302)
    await drainMail()
    expect((await mailsTo(owner.email)).filter((mail) => mail.subject.startsWith('Your link "Popular"'))).toHaveLength(
      2,
    )
    await routes.settings.PATCH(
      apiRequest("PATCH", "/api/account/notifications", {
        body: { notifyDownloads: true },
        headers: await browserHeaders(owner.id),
      }),
    )
  })

  it("reminds an opted-in owner once that a link expires tomorrow", async () => {
    const file = await uploadFile("soon.txt")
    const share = (await (await createShare({ fileIds: [file.id], title: "Soon" })).json()).share as { id: string }
    await query(
      database.url,
      `UPDATE "Share" SET "createdAt" = (now() AT TIME ZONE 'UTC') - interval '6 days', "expiresAt" = (now() AT TIME ZONE 'UTC') + interval '20 hours' WHERE id = $1`,
      [share.id],
    )
    const { remindExpiringLinks } = await import("@/lib/notifications")
    // Opt-in: nothing until the owner turns it on.
    expect(await remindExpiringLinks()).toBe(0)
    await routes.settings.PATCH(
      apiRequest("PATCH", "/api/account/notifications", {
        body: { notifyExpiry: true },
        headers: await browserHeaders(owner.id),
      }),
    )
    const [first, again] = await Promise.all([remindExpiringLinks(), remindExpiringLinks()])
    expect((first ?? 0) + (again ?? 0)).toBe(1)
    const mail = await waitForMail(owner.email, { subject: 'Your link "Soon" expires tomorrow', deliver: drainMail })
    expect(mail.links.some((link) => link.endsWith("/shares"))).toBe(true)
  })
})
