import { beforeAll, describe, expect, it } from "vitest"
import * as factories from "@/tests/support/factories"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { SIGNATURE_PATTERN } from "@/tests/support/storage-profile"
import {
  setUpUploadsWorld,
  owner,
  PROFILE,
  database,
  stranger,
  logged,
  params,
  body,
  sha256Base64,
  type SingleGrant,
  grantOk,
  complete,
  put,
} from "@/tests/support/uploads/world"

/**
 * The owner's files list (newest first, cursor pages, 404 for anyone else's) and the owner's
 * download through a fresh presigned GET.
 */
setUpUploadsWorld()

// The list below pages through the owner's files two at a time: at least four of them.
beforeAll(async () => {
  for (const name of ["a.bin", "b.bin", "c.bin", "d.bin"]) await factories.uploadFile(owner.id, { name })
})

describe(`uploads on ${PROFILE} storage: the files list and the owner's download`, () => {
  describe("the files list and the owner's download", () => {
    it("lists the owner's files newest first in cursor pages, and 404s anyone else's", async () => {
      const files = await import("@/app/api/files/route")
      const file = await import("@/app/api/files/[id]/route")
      const headers = await browserHeaders(owner.id)
      const all = await (await files.GET(apiRequest("GET", "/api/files?limit=100", { headers }))).json()
      expect(all.files.length).toBeGreaterThanOrEqual(4)
      const times = all.files.map((entry: { createdAt: string }) => entry.createdAt)
      expect([...times].sort().reverse()).toEqual(times)

      const first = await (await files.GET(apiRequest("GET", "/api/files?limit=2", { headers }))).json()
      expect(first.files).toEqual(all.files.slice(0, 2))
      const second = await (
        await files.GET(apiRequest("GET", `/api/files?limit=2&cursor=${first.nextCursor}`, { headers }))
      ).json()
      expect(second.files).toEqual(all.files.slice(2, 4))

      const strangers = await (
        await files.GET(apiRequest("GET", "/api/files", { headers: await browserHeaders(stranger.id) }))
      ).json()
      expect(strangers).toEqual({ files: [], nextCursor: null })
      const foreign = await file.GET(
        apiRequest("GET", `/api/files/${all.files[0].id}`, { headers: await browserHeaders(stranger.id) }),
        params(all.files[0].id),
      )
      expect(foreign.status).toBe(404)
      expect((await files.GET(apiRequest("GET", "/api/files?limit=0", { headers }))).status).toBe(400)
    })

    it("redirects the owner to a fresh presigned GET that downloads the bytes as an attachment", async () => {
      const data = body(1234)
      const upload = await grantOk<SingleGrant>({
        name: "résumé final.pdf",
        size: data.length,
        type: "application/pdf",
      })
      await put(upload.url, data, upload.headers)
      const { file } = await (await complete(upload.id)).json()
      const download = await import("@/app/api/files/[id]/download/route")

      const response = await download.GET(
        apiRequest("GET", `/api/files/${file.id}/download`, { headers: await browserHeaders(owner.id) }),
        params(file.id),
      )
      expect(response.status).toBe(302)
      expect(response.headers.get("cache-control")).toBe("no-store")
      const fetched = await fetch(response.headers.get("location") ?? "")
      expect(sha256Base64(new Uint8Array(await fetched.arrayBuffer()))).toBe(sha256Base64(data))
      expect(fetched.headers.get("content-disposition")).toMatch(
        /^attachment; filename="resume final.pdf"; filename\*=UTF-8''r%C3%A9sum%C3%A9%20final.pdf$/,
      )

      // Not the owner: 404. The owner's audit trail has the minted GET, without the URL.
      const foreign = await download.GET(
        apiRequest("GET", `/api/files/${file.id}/download`, { headers: await browserHeaders(stranger.id) }),
        params(file.id),
      )
      expect(foreign.status).toBe(404)
      const audit = await query<Record<string, unknown>>(
        database.url,
        `SELECT * FROM "AuditEvent" WHERE "fileId" = $1 ORDER BY "createdAt"`,
        [file.id],
      )
      expect(audit.map((row) => row.action)).toEqual(["upload.complete", "download.get"])
      expect(audit[1]).toMatchObject({ action: "download.get", method: "GET", actorId: owner.id })
      expect(JSON.stringify(audit)).not.toMatch(/X-Amz-|https?:\/\//)
    })
  })

  it("never logged a presigned URL, signature or credential", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    expect(text).not.toContain(process.env.S3_SECRET_ACCESS_KEY ?? "<no secret>")
    expect(text).not.toContain(process.env.AZURE_STORAGE_KEY ?? "<no secret>")
  })
})
