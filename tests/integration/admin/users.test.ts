import { describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import {
  setUpAdminWorld,
  itNeverLoggedAKey,
  PROFILE,
  database,
  routes,
  admin,
  owner,
  other,
  params,
  count,
  userRow,
  uploadFile,
  shareFile,
  download,
  asAdmin,
  patchUser,
  json,
} from "@/tests/support/admin/world"

/**
 * The admin's user management: the list with usage, creating accounts while registration is closed,
 * quotas, the last admin kept, and disabling an account (its links, token and session end at once).
 */
setUpAdminWorld()

describe(`admin API on ${PROFILE} storage: users`, () => {
  describe("users", () => {
    it("lists every account with its files, bytes used, quota and active links", async () => {
      const file = await uploadFile(owner.id, "usage.bin", 100)
      await shareFile(owner.id, file.id)
      const { users } = await json<{
        users: {
          id: string
          email: string
          role: string
          files: number
          usedBytes: number
          quotaBytes: number
          activeShares: number
        }[]
      }>(await routes.users.GET(apiRequest("GET", "/api/admin/users", { headers: await asAdmin() })))
      expect(users.map((user) => user.email).slice(0, 3)).toEqual([
        "admin@example.com",
        "owner@example.com",
        "other@example.com",
      ])
      const row = users.find((user) => user.id === owner.id)
      const [expected] = await query<{ files: string; bytes: string }>(
        database.url,
        `SELECT count(*) AS files, sum(size) AS bytes FROM "File" WHERE "ownerId" = $1`,
        [owner.id],
      )
      expect(row).toMatchObject({
        role: "USER",
        files: Number(expected?.files),
        usedBytes: Number(expected?.bytes),
        quotaBytes: 10 * 1024 ** 3,
      })
      expect(row?.activeShares).toBeGreaterThanOrEqual(1)
    })

    it("creates an account while self-registration is closed, audited", async () => {
      const refused = await routes.register(
        apiRequest("POST", "/api/register", { body: { email: "new@example.com", password: "perfectly-fine-3" } }),
      )
      expect(refused.status).toBe(403)
      const { user } = await json<{ user: { id: string; email: string; role: string } }>(
        await routes.users.POST(
          apiRequest("POST", "/api/admin/users", {
            body: { email: "New@Example.com", password: "perfectly-fine-3" },
            headers: await asAdmin(),
          }),
        ),
        201,
      )
      expect(user).toMatchObject({ email: "new@example.com", role: "USER" })
      expect(
        await count("AuditEvent", `action = 'admin.user.create' AND "actorId" = $1 AND details->>'userId' = $2`, [
          admin.id,
          user.id,
        ]),
      ).toBe(1)
      const taken = await routes.users.POST(
        apiRequest("POST", "/api/admin/users", {
          body: { email: "new@example.com", password: "perfectly-fine-4" },
          headers: await asAdmin(),
        }),
      )
      expect(taken.status).toBe(409)
    })

    it.each([
      ["a weak password", { email: "weak@example.com", password: "short" }],
      ["no email", { password: "perfectly-fine-5" }],
      ["a bad email", { email: "not-an-email", password: "perfectly-fine-5" }],
    ])("answers 400 for a new user with %s and creates nothing", async (_case, body) => {
      const before = await count("User")
      const response = await routes.users.POST(
        apiRequest("POST", "/api/admin/users", { body, headers: await asAdmin() }),
      )
      expect(response.status).toBe(400)
      expect(await count("User")).toBe(before)
    })

    it.each([
      ["an empty change", {}],
      ["an unknown role", { role: "ROOT" }],
      ["a negative quota", { quotaBytes: -1 }],
      ["a fractional quota", { quotaBytes: 1.5 }],
      ["a quota as text", { quotaBytes: "1GB" }],
      ["disabled as text", { disabled: "yes" }],
      ["an unknown field", { disabled: true, admin: true }],
    ])("answers 400 for %s and changes nothing", async (_case, body) => {
      const before = await userRow(owner.id)
      const audits = await count("AuditEvent")
      const response = await patchUser(owner.id, body)
      expect(response.status).toBe(400)
      expect((await response.json()).error.code).toBe("invalid_request")
      expect(await userRow(owner.id)).toEqual(before)
      expect(await count("AuditEvent")).toBe(audits)
    })

    it("answers 400 for malformed JSON and 404 for an unknown user", async () => {
      const malformed = await routes.updateUser(
        apiRequest("PATCH", `/api/admin/users/${owner.id}`, { rawBody: "{", headers: await asAdmin() }),
        params(owner.id),
      )
      expect(malformed.status).toBe(400)
      expect((await patchUser("c-no-such-user", { disabled: true })).status).toBe(404)
    })

    it("sets and clears a quota, which grants then honour", async () => {
      expect((await patchUser(other.id, { quotaBytes: 10 })).status).toBe(204)
      expect((await userRow(other.id))?.quotaBytes).toBe("10")
      const headers = await browserHeaders(other.id)
      const refused = await routes.grant(
        apiRequest("POST", "/api/uploads", {
          body: { name: "big.bin", size: 11, type: "application/octet-stream" },
          headers,
        }),
      )
      expect(refused.status).toBe(403)
      expect((await refused.json()).error.code).toBe("quota_exceeded")
      expect((await patchUser(other.id, { quotaBytes: null })).status).toBe(204)
      expect((await userRow(other.id))?.quotaBytes).toBeNull()
      expect(await count("AuditEvent", `action = 'admin.user.update' AND details->>'userId' = $1`, [other.id])).toBe(2)
    })

    it("never demotes or disables the last active admin", async () => {
      for (const body of [{ role: "USER" }, { disabled: true }]) {
        const response = await patchUser(admin.id, body)
        expect(response.status).toBe(409)
        expect((await response.json()).error.code).toBe("last_admin")
        expect(await userRow(admin.id)).toMatchObject({ role: "ADMIN", disabledAt: null })
      }
      // With a second admin the first may step down, and then the second is the last one.
      expect((await patchUser(other.id, { role: "ADMIN" })).status).toBe(204)
      expect((await patchUser(admin.id, { role: "USER" }, await browserHeaders(other.id))).status).toBe(204)
      expect((await patchUser(other.id, { disabled: true }, await browserHeaders(other.id))).status).toBe(409)
      expect((await patchUser(admin.id, { role: "ADMIN" }, await browserHeaders(other.id))).status).toBe(204)
      expect((await patchUser(other.id, { role: "USER" })).status).toBe(204)
      expect(await userRow(admin.id)).toMatchObject({ role: "ADMIN", disabledAt: null })
      expect((await userRow(other.id))?.role).toBe("USER")
    })

    it("disabling an account kills its links, its token and its session at once; enabling does not revive links or tokens", async () => {
      const file = await uploadFile(owner.id, "disable-me.txt")
      const share = await shareFile(owner.id, file.id)
      expect((await download(share.token)).status).toBe(302)
      const { token } = await json<{ token: { id: string; secret: string } }>(
        await routes.createToken(
          apiRequest("POST", "/api/tokens", { body: { name: "ci" }, headers: await browserHeaders(owner.id) }),
        ),
        201,
      )
      const bearer = { authorization: `Bearer ${token.secret}` }
      expect((await routes.listFiles(apiRequest("GET", "/api/files", { headers: bearer }))).status).toBe(200)

      expect((await patchUser(owner.id, { disabled: true })).status).toBe(204)

      const gone = await download(share.token)
      expect(gone.status).toBe(410)
      expect((await gone.json()).error.code).toBe("share_revoked")
      expect((await routes.listFiles(apiRequest("GET", "/api/files", { headers: bearer }))).status).toBe(401)
      const session = await routes.listFiles(
        apiRequest("GET", "/api/files", { headers: await browserHeaders(owner.id) }),
      )
      expect(session.status).toBe(401)
      expect((await session.json()).error.code).toBe("session_revoked")
      expect(await count("Share", `"ownerId" = $1 AND "revokedAt" IS NULL`, [owner.id])).toBe(0)
      expect(
        await count("Share", `"ownerId" = $1 AND "revokedById" = $2`, [owner.id, admin.id]),
      ).toBeGreaterThanOrEqual(2)
      expect(await count("ApiToken", `"userId" = $1 AND "revokedAt" IS NULL`, [owner.id])).toBe(0)
      const [event] = await query<{ details: { revokedShares: number; revokedTokens: number } }>(
        database.url,
        `SELECT details FROM "AuditEvent" WHERE action = 'admin.user.update' AND "actorId" = $1 AND details->>'userId' = $2 AND details->'changes'->>'disabled' = 'true'`,
        [admin.id, owner.id],
      )
      expect(event?.details.revokedTokens).toBe(1)
      expect(event?.details.revokedShares).toBeGreaterThanOrEqual(2)

      expect((await patchUser(owner.id, { disabled: false })).status).toBe(204)
      expect(
        (await routes.listFiles(apiRequest("GET", "/api/files", { headers: await browserHeaders(owner.id) }))).status,
      ).toBe(200)
      expect((await routes.listFiles(apiRequest("GET", "/api/files", { headers: bearer }))).status).toBe(401)
      expect((await download(share.token)).status).toBe(410)
    })
  })

  itNeverLoggedAKey()
})
