import { randomBytes } from "node:crypto"
import { describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { waitForMail } from "@/tests/support/mail"
import { isValidSignature } from "@/tests/support/webhook-receiver"
import { SIGNATURE_PATTERN, STORED } from "@/tests/support/storage-profile"
import {
  setUpNotificationsWorld,
  PROFILE,
  receiver,
  routes,
  owner,
  stranger,
  params,
  tokenOf,
  recipientHeaders,
  drainWebhooks,
  drainMail,
  uploadFile,
  createShare,
  addWebhook,
  ALL_EVENTS,
} from "@/tests/support/notifications/world"

/**
 * Which webhook events fire, once each and signed, with summaries that hold no key, URL signature
 * or token; share.revoked also when deleting a file revokes its links.
 */
setUpNotificationsWorld()

describe(`webhooks on ${PROFILE} storage: events`, () => {
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
})
