import { describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { isAzure, SIGNATURE_PATTERN } from "@/tests/support/storage-profile"
import {
  setUpSharesWorld,
  PROFILE,
  database,
  routes,
  storage,
  admin,
  owner,
  stranger,
  logged,
  issuedTokens,
  type ShareBody,
  params,
  count,
  tokenOf,
  uploadFile,
  createShare,
  createShareOk,
  download,
  shareRow,
} from "@/tests/support/shares/world"

/**
 * Ending a link: revocation by its owner or an admin, someone else's file or link (404), and
 * deleting a file, after which its links answer 410.
 */
setUpSharesWorld()

describe(`shares on ${PROFILE} storage: revocation and deletion`, () => {
  describe("revocation", () => {
    it("takes effect on the next request, with an audit row naming who revoked", async () => {
      const file = await uploadFile("revocable.bin")
      const share = await createShareOk(file.id)
      const token = tokenOf(share.url)
      expect((await download(token)).status).toBe(302)
      const headers = await browserHeaders(owner.id)
      const revoke = () =>
        routes.revokeShare(apiRequest("DELETE", `/api/shares/${share.id}`, { headers }), params("id", share.id))
      expect((await revoke()).status).toBe(204)
      expect((await download(token)).status).toBe(410)
      // Revoking again changes nothing and records nothing more.
      expect((await revoke()).status).toBe(204)
      const audit = await query<Record<string, unknown>>(
        database.url,
        `SELECT * FROM "AuditEvent" WHERE action = 'share.revoke' AND details->>'shareId' = $1`,
        [share.id],
      )
      expect(audit).toHaveLength(1)
      expect(audit[0]).toMatchObject({ actorId: owner.id, via: "session", fileId: file.id })
      expect((await shareRow(share.id))?.revokedById).toBe(owner.id)
    })

    it("lets an admin revoke anyone's link through the same route, recorded as the admin's act", async () => {
      const file = await uploadFile("moderated.bin")
      const share = await createShareOk(file.id)
      const response = await routes.revokeShare(
        apiRequest("DELETE", `/api/shares/${share.id}`, { headers: await browserHeaders(admin.id) }),
        params("id", share.id),
      )
      expect(response.status).toBe(204)
      expect((await download(tokenOf(share.url))).status).toBe(410)
      const audit = await query<Record<string, unknown>>(
        database.url,
        `SELECT * FROM "AuditEvent" WHERE action = 'share.revoke' AND details->>'shareId' = $1`,
        [share.id],
      )
      expect(audit[0]).toMatchObject({ actorId: admin.id, details: { shareId: share.id, ownerId: owner.id } })
    })
  })

  describe("someone else's file or link", () => {
    it("is a 404 for sharing, listing, revoking and deleting, and nothing changes", async () => {
      const file = await uploadFile("private.bin")
      const share = await createShareOk(file.id)
      const headers = await browserHeaders(stranger.id)
      const sharesBefore = await count("Share")
      const responses = [
        await createShare(file.id, {}, stranger.id),
        await routes.revokeShare(apiRequest("DELETE", `/api/shares/${share.id}`, { headers }), params("id", share.id)),
        await routes.deleteFile(apiRequest("DELETE", `/api/files/${file.id}`, { headers }), params("id", file.id)),
      ]
      for (const response of responses) expect(response.status).toBe(404)
      expect(await count("Share")).toBe(sharesBefore)
      expect((await shareRow(share.id))?.revokedAt).toBeNull()
      expect(await storage.headObject(file.objectKey)).not.toBeNull()
      const listed = await (await routes.listShares(apiRequest("GET", "/api/shares", { headers }))).json()
      expect(listed.shares).toEqual([])
      // Another user's file is a 404 here too (DESIGN §4), not an empty list.
      const perFile = await routes.fileShares(
        apiRequest("GET", `/api/files/${file.id}/shares`, { headers }),
        params("id", file.id),
      )
      expect(perFile.status).toBe(404)
      expect((await perFile.json()).error.code).toBe("not_found")
    })
  })

  describe("deleting a file", () => {
    it("removes the object and the row, and its links answer 410 revoked from then on", async () => {
      const file = await uploadFile("doomed.bin")
      const first = await createShareOk(file.id)
      const second = await createShareOk(file.id, { password: "doomed too" })
      const location = (await download(tokenOf(first.url))).headers.get("location") ?? ""
      const headers = await browserHeaders(owner.id)

      const response = await routes.deleteFile(
        apiRequest("DELETE", `/api/files/${file.id}`, { headers }),
        params("id", file.id),
      )
      expect(response.status).toBe(204)
      expect(await storage.headObject(file.objectKey)).toBeNull()
      expect(await query(database.url, `SELECT id FROM "File" WHERE id = $1`, [file.id])).toEqual([])
      for (const share of [first, second]) {
        const answer = await download(tokenOf(share.url))
        expect(answer.status).toBe(410)
        expect((await answer.json()).error.code).toBe("share_revoked")
        expect(await shareRow(share.id)).toMatchObject({ fileId: null, revokedById: owner.id })
      }
      // A key minted before the deletion finds nothing in storage any more (Azurite answers a
      // read key for a deleted snapshot with 403, S3 and Azure's docs with 404: either way, no bytes).
      const stale = await fetch(location)
      await stale.arrayBuffer()
      expect(isAzure ? [403, 404] : [404]).toContain(stale.status)

      const listed = await (await routes.listShares(apiRequest("GET", "/api/shares", { headers }))).json()
      expect(listed.shares.find((share: ShareBody) => share.id === first.id)).toMatchObject({
        state: "revoked",
        fileId: null,
        fileName: null,
      })
      expect(
        (await routes.deleteFile(apiRequest("DELETE", `/api/files/${file.id}`, { headers }), params("id", file.id)))
          .status,
      ).toBe(404)
      const audit = await query<Record<string, unknown>>(
        database.url,
        `SELECT * FROM "AuditEvent" WHERE action = 'file.delete' AND "fileId" = $1`,
        [file.id],
      )
      expect(audit[0]).toMatchObject({
        actorId: owner.id,
        objectKey: file.objectKey,
        details: { ownerId: owner.id, revokedShares: 2 },
      })
    })

    it("lets an admin delete anyone's file", async () => {
      const file = await uploadFile("reported.bin")
      const response = await routes.deleteFile(
        apiRequest("DELETE", `/api/files/${file.id}`, { headers: await browserHeaders(admin.id) }),
        params("id", file.id),
      )
      expect(response.status).toBe(204)
      expect(await storage.headObject(file.objectKey)).toBeNull()
    })
  })

  it("never logged a share token, presigned URL, signature or credential", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    for (const token of issuedTokens) expect(text).not.toContain(token)
  })
})
