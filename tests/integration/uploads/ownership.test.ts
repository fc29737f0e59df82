import { describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { SIGNATURE_PATTERN } from "@/tests/support/storage-profile"
import {
  setUpUploadsWorld,
  PROFILE,
  MIB,
  routes,
  stranger,
  logged,
  params,
  type MultipartGrant,
  grantOk,
  complete,
  signParts,
  statusOf,
} from "@/tests/support/uploads/world"

/**
 * Someone else's upload is a 404 for complete, parts and abort, and no credentials is a 401.
 */
setUpUploadsWorld()

describe(`uploads on ${PROFILE} storage: someone else's upload`, () => {
  describe("someone else's upload", () => {
    it("is a 404 for complete, parts and abort, and stays untouched", async () => {
      const upload = await grantOk<MultipartGrant>({
        name: "private.bin",
        size: 5 * MIB + 1,
        type: "application/octet-stream",
      })
      const headers = await browserHeaders(stranger.id)
      const responses = [
        await complete(upload.id, undefined, stranger.id),
        await signParts(upload.id, [1], stranger.id),
        await routes.listParts(apiRequest("GET", `/api/uploads/${upload.id}/parts`, { headers }), params(upload.id)),
        await routes.abort(apiRequest("DELETE", `/api/uploads/${upload.id}`, { headers }), params(upload.id)),
      ]
      for (const response of responses) {
        expect(response.status).toBe(404)
        expect((await response.json()).error).toEqual({ code: "not_found", message: "Upload not found" })
      }
      expect(await statusOf(upload.id)).toBe("PENDING")
    })

    it("answers 401 without credentials", async () => {
      const response = await routes.grant(apiRequest("POST", "/api/uploads", { body: { name: "a", size: 1 } }))
      expect(response.status).toBe(401)
    })
  })

  it("never logged a presigned URL, signature or credential", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    expect(text).not.toContain(process.env.S3_SECRET_ACCESS_KEY ?? "<no secret>")
    expect(text).not.toContain(process.env.AZURE_STORAGE_KEY ?? "<no secret>")
  })
})
