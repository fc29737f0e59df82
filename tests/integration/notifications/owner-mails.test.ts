import { describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { mailsTo, waitForMail } from "@/tests/support/mail"
import {
  setUpNotificationsWorld,
  PROFILE,
  database,
  routes,
  owner,
  params,
  tokenOf,
  recipientHeaders,
  drainMail,
  uploadFile,
  createShare,
} from "@/tests/support/notifications/world"

/**
 * What the owner is mailed: one download summary per link per interval, files arriving through a
 * request, and one reminder that a link expires tomorrow.
 */
setUpNotificationsWorld()

describe(`mail notifications and share by email on ${PROFILE} storage: the owner's mails`, () => {
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
