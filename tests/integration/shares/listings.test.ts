import { randomBytes } from "node:crypto"
import { describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { SIGNATURE_PATTERN } from "@/tests/support/storage-profile"
import {
  setUpSharesWorld,
  PROFILE,
  database,
  shares,
  owner,
  stranger,
  logged,
  issuedTokens,
  tokenOf,
  uploadFile,
  createShareOk,
} from "@/tests/support/shares/world"

/**
 * What lists and pages show: My files (search, sort, pages, active links) and the public share
 * page's data for active, dead and unknown links.
 */
setUpSharesWorld()

describe(`shares on ${PROFILE} storage: listings and the share page`, () => {
  describe("My files: search, sort, pages and active links", () => {
    it("finds names by any-case substring, sorts by size across cursor pages, and counts only active links", async () => {
      const files = await import("@/app/api/files/route")
      const headers = await browserHeaders(owner.id)
      const list = async (search: string, userId = owner.id) => {
        const response = await files.GET(
          apiRequest("GET", `/api/files?${search}`, {
            headers: userId === owner.id ? headers : await browserHeaders(userId),
          }),
        )
        expect(response.status).toBe(200)
        return (await response.json()) as {
          files: { id: string; name: string; size: number; activeShares: number }[]
          nextCursor: string | null
        }
      }
      const small = await uploadFile("quarterly-FINDME-small.txt", new Uint8Array(randomBytes(100)))
      const big = await uploadFile("annual-findme-big.txt", new Uint8Array(randomBytes(300)))
      const middle = await uploadFile("FindMe middle.txt", new Uint8Array(randomBytes(200)))
      await createShareOk(big.id)
      const revoked = await createShareOk(big.id)
      await query(database.url, `UPDATE "Share" SET "revokedAt" = now() WHERE id = $1`, [revoked.id])

      const first = await list("q=findme&sort=size&limit=2")
      expect(first.files.map((file) => file.id)).toEqual([big.id, middle.id])
      expect(first.files[0]?.activeShares).toBe(1)
      const second = await list(`q=findme&sort=size&limit=2&cursor=${first.nextCursor}`)
      expect(second).toEqual({ files: [expect.objectContaining({ id: small.id, activeShares: 0 })], nextCursor: null })
      expect((await list("q=findme&sort=oldest")).files.map((file) => file.id)).toEqual([small.id, big.id, middle.id])
      expect((await list("q=findme", stranger.id)).files).toEqual([])
      expect((await files.GET(apiRequest("GET", "/api/files?sort=sideways", { headers }))).status).toBe(400)
    })
  })

  describe("the public share page's data", () => {
    it("describes an active link, says only the state of a dead one, and nothing of an unknown one", async () => {
      const file = await uploadFile("described.pdf", new Uint8Array(randomBytes(321)))
      const share = await createShareOk(file.id, { maxDownloads: 4, password: "shh-secret" })
      const token = tokenOf(share.url)
      expect(await shares.describeShare(token)).toEqual({
        state: "active",
        id: share.id,
        title: null,
        message: null,
        files: [{ id: file.id, name: "described.pdf", size: 321, type: "application/octet-stream" }],
        totalSize: 321,
        expiresAt: expect.any(Date),
        remainingDownloads: 4,
        hasPassword: true,
      })
      await query(database.url, `UPDATE "Share" SET downloads = 4 WHERE id = $1`, [share.id])
      expect(await shares.describeShare(token)).toEqual({ state: "used_up" })
      expect(await shares.describeShare(randomBytes(32).toString("base64url"))).toBeNull()
    })
  })

  it("never logged a share token, presigned URL, signature or credential", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    for (const token of issuedTokens) expect(text).not.toContain(token)
  })
})
