import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { apiRequest, browserHeaders, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"

/** Two-factor sign-in with a fixed clock: codes are computed for chosen instants, not for "now". */
let database: Awaited<ReturnType<typeof useFreshDatabase>>
let totp: typeof import("@/lib/totp")
let admin: { id: string }
let user: { id: string; email: string }

// 2026-11-29T12:00:00Z, the start of a 30 s step.
const T0 = Date.UTC(2026, 10, 29, 12, 0, 0)
const STEP = 30_000

beforeAll(async () => {
  database = await useFreshDatabase()
  totp = await import("@/lib/totp")
  const { registerUser } = await import("@/lib/accounts")
  admin = await registerUser({ email: "admin@totp.test", password: "perfectly-fine-0" })
  user = await registerUser({ email: "tess@totp.test", password: "perfectly-fine-1" })
})

afterAll(() => database.cleanUp())

const clearLimits = () => query(database.url, `DELETE FROM "RateLimit"`)

describe("TOTP", () => {
  let secret = ""
  let recoveryCodes: string[] = []

  it("enrols with an otpauth URI, and turns on only with a right code", async () => {
    const enrolment = await totp.beginTotpEnrolment(user)
    secret = enrolment.secret
    expect(enrolment.uri).toMatch(/^otpauth:\/\/totp\/Valet:tess%40totp\.test\?.*secret=[A-Z2-7]+/)
    expect(enrolment.uri).toContain("issuer=Valet")
    await expect(totp.confirmTotpEnrolment(user.id, "000000", T0)).rejects.toMatchObject({
      code: "invalid_otp",
      status: 401,
    })
    recoveryCodes = await totp.confirmTotpEnrolment(user.id, totp.totpCodeAt(secret, T0), T0)
    expect(recoveryCodes).toHaveLength(10)
    expect(new Set(recoveryCodes).size).toBe(10)
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/)
    // Stored hashed only.
    const stored = await query<{ codeHash: string }>(
      database.url,
      `SELECT "codeHash" FROM "RecoveryCode" WHERE "userId" = $1`,
      [user.id],
    )
    expect(stored).toHaveLength(10)
    for (const row of stored) expect(recoveryCodes).not.toContain(row.codeHash)
    await expect(totp.beginTotpEnrolment(user)).rejects.toMatchObject({ code: "totp_already_enabled" })
  })

  it("accepts a code once: not again within its window, and not an older one", async () => {
    await clearLimits()
    const next = T0 + STEP
    // The enrolment used T0's step: its code no longer passes.
    expect(await totp.verifySecondFactor(user.id, totp.totpCodeAt(secret, T0), T0)).toBe(false)
    expect(await totp.verifySecondFactor(user.id, totp.totpCodeAt(secret, next), next)).toBe(true)
    expect(await totp.verifySecondFactor(user.id, totp.totpCodeAt(secret, next), next + 5_000)).toBe(false)
    // One step of drift either way is fine; two are not.
    expect(await totp.verifySecondFactor(user.id, totp.totpCodeAt(secret, next + 2 * STEP), next + STEP)).toBe(true)
    expect(await totp.verifySecondFactor(user.id, totp.totpCodeAt(secret, next + 5 * STEP), next + 2 * STEP)).toBe(
      false,
    )
    expect(await totp.verifySecondFactor(user.id, "12 34 56", next + 3 * STEP)).toBe(false)
  })

  it("accepts each recovery code once, in any case and grouping", async () => {
    await clearLimits()
    const code = recoveryCodes[0] ?? ""
    expect(await totp.verifySecondFactor(user.id, code.toUpperCase().replace(/-/g, " "), T0)).toBe(true)
    expect(await totp.verifySecondFactor(user.id, code, T0)).toBe(false)
    expect(await totp.unusedRecoveryCodes(user.id)).toBe(9)
  })

  it("limits codes like passwords: 429 after 10 wrong ones, even for a right code", async () => {
    await clearLimits()
    const at = T0 + 100 * STEP
    for (let attempt = 0; attempt < 10; attempt++)
      expect(await totp.verifySecondFactor(user.id, "000000", at)).toBe(false)
    await expect(totp.verifySecondFactor(user.id, totp.totpCodeAt(secret, at), at)).rejects.toMatchObject({
      code: "rate_limited",
      status: 429,
    })
  })

  it("asks for the code after the password at sign-in, and refuses a wrong one", async () => {
    await clearLimits()
    const { signInWithPassword } = await import("@/lib/accounts/sign-in")
    await expect(signInWithPassword({ email: "tess@totp.test", password: "perfectly-fine-1" })).rejects.toThrow(
      "OtpRequired",
    )
    await expect(
      signInWithPassword({ email: "tess@totp.test", password: "perfectly-fine-1", otp: "000000" }),
    ).rejects.toThrow("OtpInvalid")
    expect(await signInWithPassword({ email: "tess@totp.test", password: "wrong-password", otp: "000000" })).toBeNull()
    const recovery = recoveryCodes[1] ?? ""
    expect(
      await signInWithPassword({ email: "tess@totp.test", password: "perfectly-fine-1", otp: recovery }),
    ).toMatchObject({ id: user.id })
  })

  it("answers a wrong code on the API with 401, then 429", async () => {
    await clearLimits()
    const other = await (
      await import("@/lib/accounts")
    ).registerUser({ email: "otto@totp.test", password: "perfectly-fine-2" })
    const headers = await browserHeaders(other.id)
    const begin = await import("@/app/api/account/totp/route")
    expect((await begin.POST(apiRequest("POST", "/api/account/totp", { headers }))).status).toBe(201)
    const { POST } = await import("@/app/api/account/totp/confirm/route")
    const statuses: number[] = []
    for (let attempt = 0; attempt < 11; attempt++) {
      statuses.push(
        (await POST(apiRequest("POST", "/api/account/totp/confirm", { body: { code: "000000" }, headers }))).status,
      )
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429])
  })

  it("lets an admin reset someone's second factor, audited; a user cannot", async () => {
    const { DELETE } = await import("@/app/api/admin/users/[id]/totp/route")
    const context = { params: Promise.resolve({ id: user.id }) }
    const asUser = await DELETE(
      apiRequest("DELETE", `/api/admin/users/${user.id}/totp`, { headers: await browserHeaders(user.id) }),
      context,
    )
    expect(asUser.status).toBe(403)
    const response = await DELETE(
      apiRequest("DELETE", `/api/admin/users/${user.id}/totp`, { headers: await browserHeaders(admin.id) }),
      context,
    )
    expect(response.status).toBe(204)
    expect(
      await query(database.url, `SELECT "totpSecret", "totpEnabledAt" FROM "User" WHERE id = $1`, [user.id]),
    ).toEqual([{ totpSecret: null, totpEnabledAt: null }])
    expect(
      await query(database.url, `SELECT count(*)::int AS n FROM "RecoveryCode" WHERE "userId" = $1`, [user.id]),
    ).toEqual([{ n: 0 }])
    expect(
      await query(database.url, `SELECT "actorId", details FROM "AuditEvent" WHERE action = 'admin.user.totp_reset'`),
    ).toEqual([{ actorId: admin.id, details: { userId: user.id } }])
    const { signInWithPassword } = await import("@/lib/accounts/sign-in")
    expect(await signInWithPassword({ email: "tess@totp.test", password: "perfectly-fine-1" })).toMatchObject({
      id: user.id,
    })
  })
})
