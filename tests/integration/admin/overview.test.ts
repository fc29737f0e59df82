import { beforeAll, describe, expect, it } from "vitest"
import { apiRequest } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import {
  setUpAdminWorld,
  itNeverLoggedAKey,
  download,
  shareFile,
  uploadFile,
  owner,
  PROFILE,
  database,
  routes,
  count,
  asAdmin,
  json,
} from "@/tests/support/admin/world"

/**
 * The overview: users, files, bytes, active links, keys minted in the last 24 h, uploads and
 * downloads per day.
 */
setUpAdminWorld()

// What the overview counts, made here: a stored file, an active link to it, and one download.
beforeAll(async () => {
  const file = await uploadFile(owner.id, "counted.bin")
  const share = await shareFile(owner.id, file.id)
  expect((await download(share.token)).status).toBe(302)
})

describe(`admin API on ${PROFILE} storage: overview`, () => {
  describe("overview", () => {
    it("counts users, files, bytes, active links and keys minted in the last 24 h, and uploads/downloads per day", async () => {
      const { overview } = await json<{
        overview: {
          users: number
          files: number
          bytesStored: number
          activeShares: number
          keysMinted24h: number
          days: { day: string; uploads: number; downloads: number }[]
        }
      }>(await routes.overview(apiRequest("GET", "/api/admin/overview", { headers: await asAdmin() })))
      const [totals] = await query<{ files: string; bytes: string }>(
        database.url,
        `SELECT count(*) AS files, coalesce(sum(size), 0) AS bytes FROM "File"`,
      )
      expect(overview).toMatchObject({
        users: await count("User"),
        files: Number(totals?.files),
        bytesStored: Number(totals?.bytes),
        keysMinted24h: await count("AuditEvent", `method IS NOT NULL AND "createdAt" > now() - interval '1 day'`),
      })
      expect(overview.activeShares).toBeGreaterThan(0)
      expect(overview.days).toHaveLength(14)
      // Everything in this database happened within the chart's two weeks.
      expect(overview.days.reduce((sum, day) => sum + day.uploads, 0)).toBe(Number(totals?.files))
      expect(overview.days.reduce((sum, day) => sum + day.downloads, 0)).toBe(
        await count("AuditEvent", `action IN ('download.get', 'share.download')`),
      )
    })
  })

  itNeverLoggedAKey()
})
