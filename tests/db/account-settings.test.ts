import type { AbstractIntlMessages } from "next-intl"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { apiRequest, APP_ORIGIN, browserHeaders, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { waitForMail } from "@/tests/support/mail"

/**
 * Mails in the recipient's language and an audit row for every settings change, through the route
 * handlers, with PostgreSQL and `npm test`'s real SMTP catcher. Addresses are @settings.test.
 */
let database: Awaited<ReturnType<typeof useFreshDatabase>>
let processOutboxOnce: typeof import("@/lib/outbox").processOutboxOnce

const deliver = () => processOutboxOnce(["mail"])
const mailFor = (address: string, subject: string) => waitForMail(address, { subject, deliver })

type AuditRow = { action: string; details: Record<string, unknown> | null; actorId: string | null }
const auditOf = (userId: string) =>
  query<AuditRow>(
    database.url,
    `SELECT action, details, "actorId" FROM "AuditEvent" WHERE "actorId" = $1 ORDER BY "createdAt", id`,
    [userId],
  )

let registrations = 0
async function register(email: string, headers: Record<string, string> = {}) {
  registrations++
  const { POST } = await import("@/app/api/register/route")
  const response = await POST(
    apiRequest("POST", "/api/register", {
      body: { email, password: "perfectly-fine-1" },
      headers: { origin: APP_ORIGIN, "x-forwarded-for": `203.0.113.${registrations}`, ...headers },
    }),
  )
  expect(response.status, await response.clone().text()).toBe(201)
  return (await response.json()).user as { id: string; email: string }
}

async function patchAccount(userId: string, body: unknown) {
  const { PATCH } = await import("@/app/api/account/route")
  return PATCH(apiRequest("PATCH", "/api/account", { body, headers: await browserHeaders(userId) }))
}

beforeAll(async () => {
  database = await useFreshDatabase()
  ;({ processOutboxOnce } = await import("@/lib/outbox"))
  await import("@/lib/mail/outbox")
  await register("first@settings.test")
})

afterAll(() => database.cleanUp())

describe("mails in the recipient's language", () => {
  it("speaks the language someone signed up in, then the one they switch to", async () => {
    const user = await register("greta@settings.test", { "accept-language": "de-CH,de;q=0.9,en;q=0.5" })
    expect(await query(database.url, `SELECT locale FROM "User" WHERE id = $1`, [user.id])).toEqual([{ locale: "de" }])
    const verify = await mailFor("greta@settings.test", "Bestätigen")
    expect(verify.subject).toBe("Bestätigen Sie Ihre E-Mail-Adresse · Valet")
    expect(verify.text).toContain("Der Link funktioniert einmal, 24 Stunden lang.")
    expect(verify.html).toContain('lang="de"')

    expect((await patchAccount(user.id, { locale: "ar" })).status).toBe(200)
    const { POST } = await import("@/app/api/account/password/route")
    const changed = await POST(
      apiRequest("POST", "/api/account/password", {
        body: { currentPassword: "perfectly-fine-1", newPassword: "another-fine-one-2" },
        headers: await browserHeaders(user.id),
      }),
    )
    expect(changed.status, await changed.clone().text()).toBe(204)
    const notice = await mailFor("greta@settings.test", "تغيّرت كلمة مرورك")
    expect(notice.text).toContain("إن لم تكن أنت")
    expect(notice.html).toContain('dir="rtl"')
  })

  it("writes a link mailed to someone without an account in the sender's language", async () => {
    const sender = await register("sam@settings.test", { cookie: "NEXT_LOCALE=de" })
    const { sendShareByEmail } = await import("@/lib/notifications")
    const shareId = "share_settings_test"
    // A bare link row is enough: the mail needs its id, title and URL, not its files.
    await query(
      database.url,
      `INSERT INTO "Share" (id, "ownerId", "tokenHash", title) VALUES ($1, $2, 'hash_settings_test', 'Plan')`,
      [shareId, sender.id],
    )
    await sendShareByEmail(
      { id: sender.id, email: sender.email, name: "Sam", role: "USER", via: "session" },
      { id: shareId, url: `${APP_ORIGIN}/s/abc`, title: "Plan" },
      { recipients: ["stranger@settings.test"], recipientMessage: "Hier ist er" },
    )
    const mail = await mailFor("stranger@settings.test", "Sam")
    expect(mail.subject).toBe("Sam (sam@settings.test) hat „Plan“ mit Ihnen geteilt · Valet")
    expect(mail.text).toContain("Die Nachricht dazu: Hier ist er")
    expect(mail.links).toEqual([`${APP_ORIGIN}/s/abc`])
  })
})

describe("settings changes are audited", () => {
  it("writes one readable row per change: name, language, password, mail switches, tokens", async () => {
    const user = await register("ada@settings.test")
    expect((await patchAccount(user.id, { name: "Ada" })).status).toBe(200)
    // Saving the same value again changes nothing and records nothing.
    expect((await patchAccount(user.id, { name: "Ada" })).status).toBe(200)
    expect((await patchAccount(user.id, { locale: "de" })).status).toBe(200)
    const bad = await patchAccount(user.id, { locale: "xx" })
    expect(bad.status).toBe(400)

    const { PATCH: NOTIFY } = await import("@/app/api/account/notifications/route")
    const notified = await NOTIFY(
      apiRequest("PATCH", "/api/account/notifications", {
        body: { notifyExpiry: true },
        headers: await browserHeaders(user.id),
      }),
    )
    expect(notified.status).toBe(200)

    const tokens = await import("@/app/api/tokens/route")
    const created = await tokens.POST(
      apiRequest("POST", "/api/tokens", {
        body: { name: "CI", expiresInDays: 30 },
        headers: await browserHeaders(user.id),
      }),
    )
    expect(created.status).toBe(201)
    const tokenId = (await created.json()).token.id as string
    const { DELETE } = await import("@/app/api/tokens/[id]/route")
    const revoked = await DELETE(
      apiRequest("DELETE", `/api/tokens/${tokenId}`, { headers: await browserHeaders(user.id) }),
      { params: Promise.resolve({ id: tokenId }) },
    )
    expect(revoked.status).toBe(204)
    const { DELETE: SIGN_OUT } = await import("@/app/api/account/sessions/route")
    expect(
      (await SIGN_OUT(apiRequest("DELETE", "/api/account/sessions", { headers: await browserHeaders(user.id) })))
        .status,
    ).toBe(204)

    const rows = await auditOf(user.id)
    expect(rows.map((row) => row.action)).toEqual([
      "account.name",
      "account.locale",
      "account.notifications",
      "token.create",
      "token.revoke",
      "account.sign_out_everywhere",
    ])
    expect(rows[0]?.details).toEqual({ from: null, to: "Ada" })
    // Signed up without a language preference: the default was recorded.
    expect(rows[1]?.details).toEqual({ from: "en", to: "de" })
    expect(rows[2]?.details).toEqual({ notifyExpiry: true })
    expect(rows[4]?.details).toMatchObject({ tokenId, name: "CI" })
  })

  it("records two-factor on and off, and an email change from request to confirmation", async () => {
    const user = await register("tess@settings.test")
    const totp = await import("@/lib/totp")
    const { secret } = await totp.beginTotpEnrolment(user)
    const { POST: CONFIRM } = await import("@/app/api/account/totp/confirm/route")
    const on = await CONFIRM(
      apiRequest("POST", "/api/account/totp/confirm", {
        body: { code: totp.totpCodeAt(secret, Date.now()) },
        headers: await browserHeaders(user.id),
      }),
    )
    expect(on.status, await on.clone().text()).toBe(200)
    const { DELETE: OFF } = await import("@/app/api/account/totp/route")
    const off = await OFF(
      apiRequest("DELETE", "/api/account/totp", {
        body: { currentPassword: "perfectly-fine-1" },
        headers: await browserHeaders(user.id),
      }),
    )
    expect(off.status).toBe(204)

    const { POST: EMAIL } = await import("@/app/api/account/email/route")
    const requested = await EMAIL(
      apiRequest("POST", "/api/account/email", {
        body: { email: "tess.new@settings.test", currentPassword: "perfectly-fine-1" },
        headers: await browserHeaders(user.id),
      }),
    )
    expect(requested.status).toBe(202)
    const link = await mailFor("tess.new@settings.test", "Confirm your new email address")
    const token = link.links.map((href) => new URL(href)).find((url) => url.pathname === "/confirm-email")
    const { POST: CONFIRM_EMAIL } = await import("@/app/api/confirm-email/route")
    const confirmed = await CONFIRM_EMAIL(
      apiRequest("POST", "/api/confirm-email", {
        body: { token: token?.searchParams.get("token") },
        headers: { origin: APP_ORIGIN },
      }),
    )
    expect(confirmed.status).toBe(204)

    const rows = await auditOf(user.id)
    expect(rows.map((row) => row.action)).toEqual([
      "account.totp_on",
      "account.totp_off",
      "account.email_change_request",
      "account.email_change",
    ])
    expect(rows[3]?.details).toEqual({ from: "tess@settings.test", to: "tess.new@settings.test" })
  })

  it("shows each change as a sentence in the admin audit log", async () => {
    const { describeAuditEvent } = await import("@/lib/admin/audit-describe")
    const { createTranslator } = await import("next-intl")
    const en = (await import("@/messages/en.json")).default
    const messages: AbstractIntlMessages = en
    const translator = createTranslator({ locale: "en", messages, namespace: "audit" })
    // The typed overloads want literal keys; the describer builds its keys from the action.
    const translate = translator as unknown as (key: string, values?: Record<string, string>) => string
    const t = Object.assign((key: string, values?: Record<string, string>) => translate(key, values), {
      has: (key: string) => translator.has(key),
    })
    expect(describeAuditEvent(t, { action: "account.name", details: { from: null, to: "Ada" } })).toBe(
      "Name changed from “(none)” to “Ada”.",
    )
    expect(describeAuditEvent(t, { action: "account.locale", details: { from: "de", to: "ar" } })).toBe(
      "Language changed from Deutsch to العربية.",
    )
    expect(describeAuditEvent(t, { action: "account.notifications", details: { notifyExpiry: false } })).toBe(
      "Mail switches: links expiring tomorrow off.",
    )
    expect(describeAuditEvent(t, { action: "upload.put", details: {} })).toBeNull()
  })
})
