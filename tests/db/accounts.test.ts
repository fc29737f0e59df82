import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { apiRequest, APP_ORIGIN, browserHeaders, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { linkIn, mailsTo, waitForMail } from "@/tests/support/mail"

/**
 * Accounts people run themselves, through the route handlers, with PostgreSQL and `npm test`'s
 * real SMTP catcher (SMTP_URL): each mail is read back as the catcher received it.
 * Addresses are @accounts.test so other files' mail never mixes in.
 */
let database: Awaited<ReturnType<typeof useFreshDatabase>>
let processOutboxOnce: typeof import("@/lib/outbox").processOutboxOnce
let admin: { id: string; email: string }

const deliver = () => processOutboxOnce(["mail"])
// Mails leave the outbox in batches, in no set order: pick them by subject.
const mailFor = (address: string, subject: string) => waitForMail(address, { subject, deliver })
const json = (body: unknown, headers: Record<string, string> = {}) => ({
  body,
  headers: { origin: APP_ORIGIN, ...headers },
})
const userId = async (email: string) =>
  (await query<{ id: string }>(database.url, `SELECT id FROM "User" WHERE email = $1`, [email]))[0]?.id ?? ""

let registrations = 0
async function register(email: string, password = "perfectly-fine-1") {
  registrations++
  const { POST } = await import("@/app/api/register/route")
  const response = await POST(
    apiRequest(
      "POST",
      "/api/register",
      json({ email, password }, { "x-forwarded-for": `198.51.100.${registrations}` }),
    ),
  )
  expect(response.status, await response.clone().text()).toBe(201)
  return (await response.json()).user as { id: string; email: string; role: string }
}

const accountWith = async (headers: Record<string, string>) => {
  const { GET } = await import("@/app/api/account/route")
  return GET(apiRequest("GET", "/api/account", { headers }))
}

beforeAll(async () => {
  database = await useFreshDatabase({ ADMIN_EMAILS: "boss@accounts.test,chief@accounts.test" })
  ;({ processOutboxOnce } = await import("@/lib/outbox"))
  await import("@/lib/mail/outbox")
  admin = await register("first@accounts.test")
})

afterAll(() => database.cleanUp())

describe("email verification", () => {
  it("mails a single-use link on registration; following it verifies the address", async () => {
    const user = await register("vera@accounts.test")
    const mail = await mailFor("vera@accounts.test", "Confirm your email")
    expect(mail.subject).toBe("Confirm your email address · Valet")
    const link = linkIn(mail, "/verify-email")
    // Built from APP_URL, never from the request.
    expect(link.origin).toBe(APP_ORIGIN)
    const token = link.searchParams.get("token") ?? ""
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    // Only the hash is stored.
    expect(await query(database.url, `SELECT 1 FROM "AccountToken" WHERE "tokenHash" = $1`, [token])).toEqual([])
    expect((await (await accountWith(await browserHeaders(user.id))).json()).account.emailVerified).toBe(false)

    const { POST } = await import("@/app/api/verify-email/route")
    expect((await POST(apiRequest("POST", "/api/verify-email", json({ token })))).status).toBe(204)
    expect((await (await accountWith(await browserHeaders(user.id))).json()).account.emailVerified).toBe(true)

    const reused = await POST(apiRequest("POST", "/api/verify-email", json({ token })))
    expect(reused.status).toBe(400)
    expect((await reused.json()).error.code).toBe("invalid_link_token")
    const tampered = await POST(
      apiRequest(
        "POST",
        "/api/verify-email",
        json({ token: `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}` }),
      ),
    )
    expect(tampered.status).toBe(400)
    expect((await tampered.json()).error.code).toBe("invalid_link_token")
  })
})

describe("ADMIN_EMAILS", () => {
  it("promotes a listed address only once it is verified, and a demotion sticks through later sign-ins", async () => {
    const { verifyCredentials } = await import("@/lib/accounts")
    const boss = await register("boss@accounts.test", "in-charge-here-1")
    // Anyone can type someone else's address at sign-up: unverified, it is not an admin.
    expect(boss.role).toBe("USER")
    expect((await verifyCredentials({ email: "boss@accounts.test", password: "in-charge-here-1" }))?.role).toBe("USER")

    const token = linkIn(await mailFor("boss@accounts.test", "Confirm your email"), "/verify-email").searchParams.get(
      "token",
    )
    const { POST } = await import("@/app/api/verify-email/route")
    expect((await POST(apiRequest("POST", "/api/verify-email", json({ token })))).status).toBe(204)
    expect(await query(database.url, `SELECT role FROM "User" WHERE id = $1`, [boss.id])).toEqual([{ role: "ADMIN" }])

    // Another admin demotes them; signing in again must not undo it.
    const { PATCH } = await import("@/app/api/admin/users/[id]/route")
    const demoted = await PATCH(
      apiRequest("PATCH", `/api/admin/users/${boss.id}`, {
        body: { role: "USER" },
        headers: await browserHeaders(admin.id),
      }),
      { params: Promise.resolve({ id: boss.id }) },
    )
    expect(demoted.status, await demoted.clone().text()).toBeLessThan(300)
    expect((await verifyCredentials({ email: "boss@accounts.test", password: "in-charge-here-1" }))?.role).toBe("USER")
    expect(await query(database.url, `SELECT role FROM "User" WHERE id = $1`, [boss.id])).toEqual([{ role: "USER" }])
  })
})

describe("sessions end on the server", () => {
  it("refuses a copied session cookie after sign out everywhere", async () => {
    const user = await register("sam@accounts.test")
    const headers = await browserHeaders(user.id)
    expect((await accountWith(headers)).status).toBe(200)
    const { DELETE } = await import("@/app/api/account/sessions/route")
    const response = await DELETE(apiRequest("DELETE", "/api/account/sessions", { headers }))
    expect(response.status).toBe(204)
    expect(response.headers.get("set-cookie")).toMatch(/^next-auth\.session-token=;.*Max-Age=0/)
    const replayed = await accountWith(headers)
    expect(replayed.status).toBe(401)
    expect((await replayed.json()).error.code).toBe("session_revoked")
    // A new sign-in works again.
    expect((await accountWith(await browserHeaders(user.id))).status).toBe(200)
  })

  it("ends the session on the server when next-auth signs out", async () => {
    const user = await register("sigrid@accounts.test")
    const headers = await browserHeaders(user.id)
    const { getAuthOptions } = await import("@/lib/auth")
    await getAuthOptions().events?.signOut?.({ token: { sub: user.id }, session: null as never })
    expect((await accountWith(headers)).status).toBe(401)
  })

  it("ends other sessions on a password change and keeps this browser signed in; a wrong current password is 403", async () => {
    const user = await register("pat@accounts.test", "old-password-1")
    const otherDevice = await browserHeaders(user.id)
    const headers = await browserHeaders(user.id)
    const { POST } = await import("@/app/api/account/password/route")
    const wrong = await POST(
      apiRequest("POST", "/api/account/password", {
        body: { currentPassword: "not-it-at-all", newPassword: "new-password-2" },
        headers,
      }),
    )
    expect(wrong.status).toBe(403)
    expect((await wrong.json()).error.code).toBe("current_password_wrong")
    expect((await accountWith(otherDevice)).status).toBe(200)

    const changed = await POST(
      apiRequest("POST", "/api/account/password", {
        body: { currentPassword: "old-password-1", newPassword: "new-password-2" },
        headers,
      }),
    )
    expect(changed.status).toBe(204)
    expect((await accountWith(otherDevice)).status).toBe(401)
    expect((await accountWith(headers)).status).toBe(401)
    const fresh = (changed.headers.get("set-cookie") ?? "").split(";")[0] ?? ""
    expect((await accountWith({ cookie: fresh, origin: APP_ORIGIN })).status).toBe(200)
    const { verifyCredentials } = await import("@/lib/accounts")
    expect(await verifyCredentials({ email: "pat@accounts.test", password: "new-password-2" })).not.toBeNull()
    expect((await mailFor("pat@accounts.test", "Your password was changed")).text).toContain(
      "every other session was signed out",
    )
  })
})

describe("password reset", () => {
  const resetRequest = async (email: string, ip = "203.0.113.9") => {
    const { POST } = await import("@/app/api/password-reset/route")
    const started = performance.now()
    const response = await POST(apiRequest("POST", "/api/password-reset", json({ email }, { "x-forwarded-for": ip })))
    return { status: response.status, body: await response.text(), ms: performance.now() - started }
  }
  const confirm = async (body: unknown) => {
    const { POST } = await import("@/app/api/password-reset/confirm/route")
    return POST(apiRequest("POST", "/api/password-reset/confirm", json(body)))
  }

  it("answers an unknown email exactly like a known one, in the same time", async () => {
    await register("rita@accounts.test")
    const known: number[] = []
    const unknown: number[] = []
    for (let round = 0; round < 4; round++) {
      const a = await resetRequest("rita@accounts.test", `203.0.113.${20 + round}`)
      const b = await resetRequest(`nobody${round}@accounts.test`, `203.0.113.${40 + round}`)
      expect(a.status).toBe(202)
      expect(b).toMatchObject({ status: a.status, body: a.body })
      known.push(a.ms)
      unknown.push(b.ms)
    }
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0
    console.info(`reset request median: known ${median(known).toFixed(0)} ms, unknown ${median(unknown).toFixed(0)} ms`)
    expect(Math.abs(median(known) - median(unknown))).toBeLessThan(60)
    expect(await query(database.url, `SELECT 1 FROM "OutboxMessage" WHERE payload->>'to' LIKE 'nobody%'`)).toEqual([])
  })

  it("sets the password from the mailed link, ends every session, and the link works once", async () => {
    const user = await register("reset@accounts.test", "forgotten-one-1")
    const oldCookie = await browserHeaders(user.id)
    expect((await resetRequest("reset@accounts.test")).status).toBe(202)
    const mail = await mailFor("reset@accounts.test", "Reset your password")
    const token = linkIn(mail, "/reset-password").searchParams.get("token")

    const weak = await confirm({ token, password: "short" })
    expect(weak.status).toBe(400)
    expect((await confirm({ token, password: "brand-new-pass-2" })).status).toBe(204)
    const refused = await accountWith(oldCookie)
    expect(refused.status).toBe(401)
    const { verifyCredentials } = await import("@/lib/accounts")
    expect(await verifyCredentials({ email: "reset@accounts.test", password: "brand-new-pass-2" })).not.toBeNull()
    expect(await verifyCredentials({ email: "reset@accounts.test", password: "forgotten-one-1" })).toBeNull()

    const reused = await confirm({ token, password: "another-pass-3" })
    expect(reused.status).toBe(400)
    expect((await reused.json()).error.code).toBe("invalid_link_token")
    expect(await verifyCredentials({ email: "reset@accounts.test", password: "brand-new-pass-2" })).not.toBeNull()
  })

  it("refuses an expired or tampered link with 400 and changes nothing", async () => {
    await register("late@accounts.test", "still-valid-1")
    await resetRequest("late@accounts.test")
    const token =
      linkIn(await mailFor("late@accounts.test", "Reset your password"), "/reset-password").searchParams.get("token") ??
      ""
    const tampered = await confirm({
      token: token.replace(/^./, (c) => (c === "a" ? "b" : "a")),
      password: "brand-new-pass-2",
    })
    expect(tampered.status).toBe(400)
    expect((await tampered.json()).error.code).toBe("invalid_link_token")
    await query(
      database.url,
      `UPDATE "AccountToken" SET "expiresAt" = now() - interval '1 hour' WHERE email = 'late@accounts.test'`,
    )
    const expired = await confirm({ token, password: "brand-new-pass-2" })
    expect(expired.status).toBe(400)
    expect((await expired.json()).error.code).toBe("invalid_link_token")
    const { verifyCredentials } = await import("@/lib/accounts")
    expect(await verifyCredentials({ email: "late@accounts.test", password: "still-valid-1" })).not.toBeNull()
  })

  it("limits requests per email", async () => {
    const statuses: number[] = []
    for (let attempt = 0; attempt < 6; attempt++)
      statuses.push((await resetRequest("flood@accounts.test", `192.0.2.${attempt + 1}`)).status)
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429])
  })
})

describe("email change", () => {
  it("confirms through the new address, tells the old one, and needs the current password", async () => {
    const user = await register("old@accounts.test", "mine-and-only-1")
    const headers = await browserHeaders(user.id)
    const { POST } = await import("@/app/api/account/email/route")
    const wrong = await POST(
      apiRequest("POST", "/api/account/email", {
        body: { email: "new@accounts.test", currentPassword: "guess-guess-1" },
        headers,
      }),
    )
    expect(wrong.status).toBe(403)
    const taken = await POST(
      apiRequest("POST", "/api/account/email", {
        body: { email: "first@accounts.test", currentPassword: "mine-and-only-1" },
        headers,
      }),
    )
    expect(taken.status).toBe(409)
    const started = await POST(
      apiRequest("POST", "/api/account/email", {
        body: { email: "new@accounts.test", currentPassword: "mine-and-only-1" },
        headers,
      }),
    )
    expect(started.status).toBe(202)

    const notice = await mailFor("old@accounts.test", "Your email address is being changed")
    expect(notice.text).toContain("new@accounts.test")
    expect(notice.links).toEqual([])
    const token = linkIn(
      await mailFor("new@accounts.test", "Confirm your new email address"),
      "/confirm-email",
    ).searchParams.get("token")
    // Nothing changes before the link is followed.
    expect(await userId("old@accounts.test")).toBe(user.id)

    const { POST: CONFIRM } = await import("@/app/api/confirm-email/route")
    expect((await CONFIRM(apiRequest("POST", "/api/confirm-email", json({ token })))).status).toBe(204)
    expect(await userId("new@accounts.test")).toBe(user.id)
    expect((await (await accountWith(headers)).json()).account).toMatchObject({
      email: "new@accounts.test",
      emailVerified: true,
    })
    expect((await CONFIRM(apiRequest("POST", "/api/confirm-email", json({ token })))).status).toBe(400)
  })
})

describe("invitations", () => {
  it("lets an admin invite someone who then chooses their own password", async () => {
    const { POST } = await import("@/app/api/admin/invites/route")
    const response = await POST(
      apiRequest("POST", "/api/admin/invites", {
        body: { email: "guest@accounts.test", name: "Guest" },
        headers: await browserHeaders(admin.id),
      }),
    )
    expect(response.status, await response.clone().text()).toBe(201)
    const { verifyCredentials } = await import("@/lib/accounts")
    const mail = await mailFor("guest@accounts.test", "You are invited")
    const token = linkIn(mail, "/accept-invite").searchParams.get("token")
    const { POST: ACCEPT } = await import("@/app/api/invites/accept/route")
    expect(
      (await ACCEPT(apiRequest("POST", "/api/invites/accept", json({ token, password: "my-own-choice-7" })))).status,
    ).toBe(204)
    expect(await verifyCredentials({ email: "guest@accounts.test", password: "my-own-choice-7" })).toMatchObject({
      name: "Guest",
      role: "USER",
    })
    expect(
      await query(database.url, `SELECT action FROM "AuditEvent" WHERE action = 'admin.user.invite'`),
    ).toHaveLength(1)
    expect(
      (await ACCEPT(apiRequest("POST", "/api/invites/accept", json({ token, password: "my-own-choice-8" })))).status,
    ).toBe(400)
  })

  it("is for admins only", async () => {
    const user = await register("plain@accounts.test")
    const { POST } = await import("@/app/api/admin/invites/route")
    const response = await POST(
      apiRequest("POST", "/api/admin/invites", {
        body: { email: "x@accounts.test" },
        headers: await browserHeaders(user.id),
      }),
    )
    expect(response.status).toBe(403)
    expect(await mailsTo("x@accounts.test")).toEqual([])
  })
})

it("refuses a cookie with only iat (from before this change) once the mark passes it", async () => {
  const user = await register("legacy@accounts.test")
  const { encode } = await import("next-auth/jwt")
  const legacy = `next-auth.session-token=${await encode({ token: { sub: user.id }, secret: process.env.AUTH_SECRET ?? "", maxAge: 3600 })}`
  expect((await accountWith({ cookie: legacy, origin: APP_ORIGIN })).status).toBe(200)
  await new Promise((resolve) => setTimeout(resolve, 1100))
  const { endAllSessions } = await import("@/lib/accounts/sessions")
  await endAllSessions(user.id)
  expect((await accountWith({ cookie: legacy, origin: APP_ORIGIN })).status).toBe(401)
  expect((await accountWith(await browserHeaders(user.id))).status).toBe(200)
})
