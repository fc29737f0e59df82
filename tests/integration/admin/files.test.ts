import { describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import {
  setUpAdminWorld,
  itNeverLoggedAKey,
  PROFILE,
  routes,
  storage,
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
 * Every user's files for the admin: filtered lists, and deleting anyone's file (its links answer 410).
 */
setUpAdminWorld()

describe(`admin API on ${PROFILE} storage: files`, () => {
  describe("files", () => {
    type FileRow = { id: string; name: string; size: number; owner: { email: string } }
    const listFiles = async (search = "") =>
      json<{ files: FileRow[]; nextCursor: string | null }>(
        await routes.files(apiRequest("GET", `/api/admin/files${search}`, { headers: await asAdmin() })),
      )

    it("lists every user's files, filtered by owner, name and size", async () => {
      const small = await uploadFile(owner.id, "sizes-small.bin", 10)
      const large = await uploadFile(other.id, "sizes-large.bin", 1000)
      expect((await listFiles("?q=SIZES-")).files.map((file) => file.id)).toEqual([large.id, small.id])
      expect((await listFiles("?q=sizes-&owner=owner@")).files.map((file) => file.id)).toEqual([small.id])
      expect((await listFiles("?q=sizes-&minSize=500")).files.map((file) => file.id)).toEqual([large.id])
      expect((await listFiles("?q=sizes-&maxSize=500&minSize=")).files.map((file) => file.id)).toEqual([small.id])
      expect((await listFiles("?q=sizes-&limit=1")).nextCursor).toBe(large.id)
      expect(
        (await routes.files(apiRequest("GET", "/api/admin/files?minSize=-1", { headers: await asAdmin() }))).status,
      ).toBe(400)
    })

    it("deletes anyone's file: the object goes, its links answer 410, a user cannot", async () => {
      const file = await uploadFile(owner.id, "to-delete.txt")
      const share = await shareFile(owner.id, file.id)
      const asUser = await routes.deleteFile(
        apiRequest("DELETE", `/api/admin/files/${file.id}`, { headers: await browserHeaders(other.id) }),
        params(file.id),
      )
      expect(asUser.status).toBe(403)
      expect(await count("File", "id = $1", [file.id])).toBe(1)

      const response = await routes.deleteFile(
        apiRequest("DELETE", `/api/admin/files/${file.id}`, { headers: await asAdmin() }),
        params(file.id),
      )
      expect(response.status).toBe(204)
      expect(await count("File", "id = $1", [file.id])).toBe(0)
      expect(await storage.headObject(file.objectKey)).toBeNull()
      expect((await download(share.token)).status).toBe(410)
      expect(
        await count("AuditEvent", `action = 'file.delete' AND "actorId" = $1 AND "fileId" = $2`, [admin.id, file.id]),
      ).toBe(1)
      expect(
        (
          await routes.deleteFile(
            apiRequest("DELETE", `/api/admin/files/${file.id}`, { headers: await asAdmin() }),
            params(file.id),
          )
        ).status,
      ).toBe(404)
    })
  })

  itNeverLoggedAKey()
})
