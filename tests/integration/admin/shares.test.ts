import { describe, expect, it } from "vitest"
import { apiRequest } from "@/tests/support/app"
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
  uploadFile,
  shareFile,
  download,
  asAdmin,
  json,
} from "@/tests/support/admin/world"

/**
 * Every user's links for the admin: filtered lists a page at a time, revoking one or many.
 */
setUpAdminWorld()

describe(`admin API on ${PROFILE} storage: shares`, () => {
  describe("shares", () => {
    type ShareRow = { id: string; state: string; owner: { email: string }; fileName: string | null }
    const listShares = async (search = "") =>
      json<{ shares: ShareRow[]; nextCursor: string | null }>(
        await routes.shares(apiRequest("GET", `/api/admin/shares${search}`, { headers: await asAdmin() })),
      )

    it("lists every user's links, filtered by state, owner and file name, a page at a time", async () => {
      const mine = await uploadFile(other.id, "Quarterly-Report.pdf")
      const active = await shareFile(other.id, mine.id)
      const revoked = await shareFile(other.id, mine.id)
      await query(database.url, `UPDATE "Share" SET "revokedAt" = now() WHERE id = $1`, [revoked.id])
      const expired = await shareFile(other.id, mine.id)
      await query(database.url, `UPDATE "Share" SET "expiresAt" = now() - interval '1 minute' WHERE id = $1`, [
        expired.id,
      ])

      const byName = await listShares("?q=quarterly-report&owner=OTHER@")
      expect(byName.shares.map((share) => share.id)).toEqual([expired.id, revoked.id, active.id])
      expect(byName.shares.map((share) => share.state)).toEqual(["expired", "revoked", "active"])
      expect(byName.shares[0]).toMatchObject({
        owner: { email: "other@example.com" },
        fileName: "Quarterly-Report.pdf",
      })
      expect((await listShares("?q=quarterly&state=active")).shares.map((share) => share.id)).toEqual([active.id])
      expect((await listShares("?q=quarterly&state=revoked")).shares.map((share) => share.id)).toEqual([revoked.id])
      expect((await listShares("?q=quarterly&state=expired")).shares.map((share) => share.id)).toEqual([expired.id])
      expect((await listShares("?q=quarterly&owner=owner@")).shares).toEqual([])
      expect(JSON.stringify(byName)).not.toContain(active.token)

      const seen: string[] = []
      let cursor: string | null = null
      do {
        const page: { shares: ShareRow[]; nextCursor: string | null } = await listShares(
          `?q=quarterly&limit=1${cursor ? `&cursor=${cursor}` : ""}`,
        )
        expect(page.shares.length).toBeLessThanOrEqual(1)
        seen.push(...page.shares.map((share) => share.id))
        cursor = page.nextCursor
      } while (cursor)
      expect(seen).toEqual([expired.id, revoked.id, active.id])
    })

    it.each([
      ["an unknown state", "?state=paused"],
      ["a limit of 0", "?limit=0"],
      ["a limit as text", "?limit=lots"],
    ])("answers 400 for %s", async (_case, search) => {
      expect(
        (await routes.shares(apiRequest("GET", `/api/admin/shares${search}`, { headers: await asAdmin() }))).status,
      ).toBe(400)
    })

    it("revokes anyone's link: its next download is refused, and the revocation is audited", async () => {
      const file = await uploadFile(other.id, "revoke-one.txt")
      const share = await shareFile(other.id, file.id)
      expect((await download(share.token)).status).toBe(302)
      const response = await routes.revoke(
        apiRequest("POST", `/api/admin/shares/${share.id}/revoke`, { headers: await asAdmin() }),
        params(share.id),
      )
      expect(response.status).toBe(204)
      expect((await download(share.token)).status).toBe(410)
      expect(
        await count("AuditEvent", `action = 'share.revoke' AND "actorId" = $1 AND details->>'shareId' = $2`, [
          admin.id,
          share.id,
        ]),
      ).toBe(1)
      expect(
        (
          await routes.revoke(
            apiRequest("POST", `/api/admin/shares/c-unknown/revoke`, { headers: await asAdmin() }),
            params("c-unknown"),
          )
        ).status,
      ).toBe(404)
    })

    it("revokes many links at once, or none when one of them does not exist", async () => {
      const file = await uploadFile(owner.id, "bulk.txt")
      const first = await shareFile(owner.id, file.id)
      const second = await shareFile(owner.id, file.id)
      const asAdminHeaders = await asAdmin()
      const bulk = (body: unknown) =>
        routes.bulkRevoke(apiRequest("POST", "/api/admin/shares/revoke", { body, headers: asAdminHeaders }))

      const audits = await count("AuditEvent")
      expect((await bulk({ ids: [first.id, "c-unknown"] })).status).toBe(404)
      for (const body of [{ ids: [] }, { ids: "all" }, {}]) expect((await bulk(body)).status).toBe(400)
      expect(await count("Share", `id IN ($1, $2) AND "revokedAt" IS NULL`, [first.id, second.id])).toBe(2)
      expect(await count("AuditEvent")).toBe(audits)

      expect(await json(await bulk({ ids: [first.id, second.id, first.id] }))).toEqual({ revoked: 2 })
      expect((await download(first.token)).status).toBe(410)
      expect((await download(second.token)).status).toBe(410)
      expect(
        await count("AuditEvent", `action = 'share.revoke' AND "actorId" = $1 AND details->>'shareId' IN ($2, $3)`, [
          admin.id,
          first.id,
          second.id,
        ]),
      ).toBe(2)
      expect(await json(await bulk({ ids: [first.id] }))).toEqual({ revoked: 0 })
    })
  })

  itNeverLoggedAKey()
})
