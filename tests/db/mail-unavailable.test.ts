import { afterAll, beforeAll, expect, it } from "vitest"
import { apiRequest, APP_ORIGIN, browserHeaders, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"

/** Production without SMTP_URL: what needs mail says so with 503 `mail_unavailable`, never a silent drop. */
let database: Awaited<ReturnType<typeof useFreshDatabase>>

beforeAll(async () => {
  database = await useFreshDatabase({ SMTP_URL: "" })
})

afterAll(() => database.cleanUp())

it("answers 503 mail_unavailable for a reset, known email or not, an invitation and an email change; sign-up still works", async () => {
  const { POST: register } = await import("@/app/api/register/route")
  const signUp = await register(
    apiRequest("POST", "/api/register", {
      body: { email: "solo@example.com", password: "perfectly-fine-1" },
      headers: { origin: APP_ORIGIN },
    }),
  )
  expect(signUp.status).toBe(201)
  const { id } = (await signUp.json()).user as { id: string }

  const { POST: reset } = await import("@/app/api/password-reset/route")
  const bodies = []
  for (const email of ["solo@example.com", "nobody@example.com"]) {
    const response = await reset(
      apiRequest("POST", "/api/password-reset", { body: { email }, headers: { origin: APP_ORIGIN } }),
    )
    expect(response.status).toBe(503)
    bodies.push(await response.json())
  }
  expect(bodies[0]).toEqual(bodies[1])
  expect(bodies[0].error.code).toBe("mail_unavailable")

  const { POST: invite } = await import("@/app/api/admin/invites/route")
  const invited = await invite(
    apiRequest("POST", "/api/admin/invites", {
      body: { email: "guest@example.com" },
      headers: await browserHeaders(id),
    }),
  )
  expect(invited.status).toBe(503)
  const { POST: changeEmail } = await import("@/app/api/account/email/route")
  const changed = await changeEmail(
    apiRequest("POST", "/api/account/email", {
      body: { email: "new@example.com", currentPassword: "perfectly-fine-1" },
      headers: await browserHeaders(id),
    }),
  )
  expect(changed.status).toBe(503)
  expect((await changed.json()).error.code).toBe("mail_unavailable")
  // Nothing was left behind: no invited account, no token, no queued mail.
  expect(await query(database.url, `SELECT email FROM "User" ORDER BY email`)).toEqual([{ email: "solo@example.com" }])
  expect(await query(database.url, `SELECT 1 FROM "AccountToken"`)).toEqual([])
  expect(await query(database.url, `SELECT 1 FROM "OutboxMessage"`)).toEqual([])
})
