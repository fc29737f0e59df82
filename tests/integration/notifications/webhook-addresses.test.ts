import { lookup } from "node:dns/promises"
import { hostname } from "node:os"
import { describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import {
  setUpNotificationsWorld,
  PROFILE,
  receiver,
  routes,
  send,
  owner,
  addWebhook,
} from "@/tests/support/notifications/world"

/**
 * Webhook URLs may not reach loopback, private, link-local or metadata addresses, also behind a
 * name, unless WEBHOOK_ALLOWED_HOSTS allows them.
 */
setUpNotificationsWorld()

describe(`webhooks on ${PROFILE} storage: forbidden addresses`, () => {
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
})
