import { describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { mailsTo, waitForMail } from "@/tests/support/mail"
import { SIGNATURE_PATTERN } from "@/tests/support/storage-profile"
import {
  setUpNotificationsWorld,
  PROFILE,
  address,
  database,
  routes,
  owner,
  stranger,
  params,
  drainMail,
  uploadFile,
  createShare,
} from "@/tests/support/notifications/world"

/**
 * Sending a link to recipients by mail: its page URL (never a presigned one), the list of
 * recipients, and the daily limit.
 */
setUpNotificationsWorld()

describe(`mail notifications and share by email on ${PROFILE} storage: sending a link`, () => {
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
})
