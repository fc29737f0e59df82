import { randomBytes } from "node:crypto"
import { afterEach } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import * as factories from "@/tests/support/factories"
import { startWebhookReceiver } from "@/tests/support/webhook-receiver"
import { database, setUpWorld } from "@/tests/support/world"

/**
 * The world of the notification tests (tests/integration/notifications/). Webhooks and
 * notifications (issue 18) against real PostgreSQL, each real S3 server, the real SMTP
 * catcher and a real HTTP receiver on loopback (allowed by WEBHOOK_ALLOWED_HOSTS=127.0.0.1).
 */
export { database, PROFILE } from "@/tests/support/world"
export const RUN = randomBytes(4).toString("hex")
export const address = (name: string) => `${name}-${RUN}@example.com`

export let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>
const loadRoutes = async () => ({
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
})
export let routes: Awaited<ReturnType<typeof loadRoutes>>
export let deliver: typeof import("@/lib/webhooks/deliver")
export let send: typeof import("@/lib/webhooks/send")
export let outbox: typeof import("@/lib/outbox")
export let owner: { id: string; email: string }
export let stranger: { id: string; email: string }
export const logged: string[] = []

export const params = <T extends Record<string, string>>(values: T) => ({ params: Promise.resolve(values) })
export const tokenOf = (url: string) => new URL(url).pathname.split("/").at(-1) ?? ""
export const recipientHeaders = { "x-forwarded-for": "198.51.100.7", "user-agent": "webhooks-test/1.0" }

export async function drainWebhooks(rounds = 20) {
  for (let round = 0; round < rounds; round++) {
    const { delivered, failed } = await deliver.processWebhookDeliveriesOnce()
    if (delivered + failed === 0) return
  }
}
export const drainMail = () => outbox.processOutboxOnce(["mail", "share-downloads"])

/** A 64-byte text file through the real grant → PUT → complete flow (the factory). */
export async function uploadFile(name: string, userId = owner.id) {
  const { id } = await factories.uploadFile(userId, { name, type: "text/plain" })
  return { id, name }
}

export async function createShare(body: Record<string, unknown>, userId = owner.id) {
  return routes.createShare(apiRequest("POST", "/api/shares", { body, headers: await browserHeaders(userId) }))
}

export async function addWebhook(url: string, events: string[], userId = owner.id) {
  const response = await routes.webhooks.POST(
    apiRequest("POST", "/api/webhooks", { body: { url, events }, headers: await browserHeaders(userId) }),
  )
  return { status: response.status, body: await response.json() }
}

export const ALL_EVENTS = [
  "file.uploaded",
  "share.created",
  "share.downloaded",
  "share.revoked",
  "upload_request.received",
]

/** A webhook receiver on loopback and a fresh database with an owner and a stranger, for this test file; every test starts without webhooks. */
export function setUpNotificationsWorld() {
  setUpWorld({
    before: async () => (receiver = await startWebhookReceiver()),
    env: {
      WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
      WEBHOOK_BACKOFF_BASE_SECONDS: "0.2",
      WEBHOOK_TIMEOUT_SECONDS: "1.5",
      WEBHOOK_LEASE_SECONDS: "2",
      SHARE_EMAIL_DAILY_LIMIT: "8",
    },
    logs: logged,
    users: { owner: address("owner"), stranger: address("stranger") },
    async ready(users) {
      ;({ owner, stranger } = users)
      routes = await loadRoutes()
      deliver = await import("@/lib/webhooks/deliver")
      send = await import("@/lib/webhooks/send")
      outbox = await import("@/lib/outbox")
      await import("@/lib/mail/outbox")
    },
    cleanUp: async () => receiver?.stop(),
  })

  // Every test starts without webhooks, so one test's receiver never takes another's events.
  afterEach(async () => {
    await query(database.url, `DELETE FROM "Webhook"`)
  })
}
