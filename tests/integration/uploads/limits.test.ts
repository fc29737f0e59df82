import { beforeAll, describe, expect, it } from "vitest"
import * as factories from "@/tests/support/factories"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { SIGNATURE_PATTERN } from "@/tests/support/storage-profile"
import {
  setUpUploadsWorld,
  owner,
  PROFILE,
  MIB,
  database,
  routes,
  uploads,
  stranger,
  logged,
  params,
  type MultipartGrant,
  grant,
  grantOk,
  count,
} from "@/tests/support/uploads/world"

/**
 * Limits come before any key: file size, quota (uploads in flight count, concurrent grants fill it
 * exactly) and the rate of started uploads.
 */
setUpUploadsWorld()

// The quota test below starts from an owner who already stores something, so that 60 MiB in flight
// and 40 MiB more are over the 100 MiB quota, and 40 MiB alone is not.
beforeAll(async () => {
  await factories.uploadFile(owner.id, { name: "already-stored.bin" })
})

describe(`uploads on ${PROFILE} storage: limits`, () => {
  describe("limits come before any key", () => {
    it("refuses an over-size file with 413 file_too_large and mints nothing", async () => {
      const [uploadsBefore, auditBefore] = [await count("Upload"), await count("AuditEvent")]
      const response = await grant({ name: "huge.iso", size: 64 * MIB + 1, type: "application/octet-stream" })
      expect(response.status).toBe(413)
      expect((await response.json()).error).toEqual({
        code: "file_too_large",
        message: "Files may be at most 64 MiB; this one is 64 MiB",
      })
      expect([await count("Upload"), await count("AuditEvent")]).toEqual([uploadsBefore, auditBefore])
    })

    it("counts uploads in flight against the quota: 403 quota_exceeded, nothing minted", async () => {
      const big = await grantOk<MultipartGrant>({
        name: "in-flight.bin",
        size: 60 * MIB,
        type: "application/octet-stream",
      })
      const [uploadsBefore, auditBefore] = [await count("Upload"), await count("AuditEvent")]
      const response = await grant({ name: "one-too-many.bin", size: 40 * MIB, type: "application/octet-stream" })
      expect(response.status).toBe(403)
      expect((await response.json()).error.code).toBe("quota_exceeded")
      expect([await count("Upload"), await count("AuditEvent")]).toEqual([uploadsBefore, auditBefore])
      // Cancelling the in-flight upload frees its share of the quota.
      expect(
        (
          await routes.abort(
            apiRequest("DELETE", `/api/uploads/${big.id}`, { headers: await browserHeaders(owner.id) }),
            params(big.id),
          )
        ).status,
      ).toBe(204)
      expect((await grant({ name: "now-fits.bin", size: 40 * MIB, type: "application/octet-stream" })).status).toBe(201)
    })

    it("lets concurrent grants fill the quota exactly, never beyond it", async () => {
      const { registerUser } = await import("@/lib/accounts")
      const racer = await registerUser({ email: "racer@example.com", password: "perfectly-fine-3" })
      await query(database.url, `UPDATE "User" SET "quotaBytes" = $2 WHERE id = $1`, [racer.id, 5 * MIB])
      const responses = await Promise.all(
        Array.from({ length: 12 }, (_, index) =>
          grant({ name: `race-${index}.bin`, size: MIB, type: "application/octet-stream" }, racer.id),
        ),
      )
      expect(responses.map((response) => response.status).sort()).toEqual([
        ...Array(5).fill(201),
        ...Array(7).fill(403),
      ])
      const [uploaded] = await query<{ count: string; bytes: string }>(
        database.url,
        `SELECT count(*), sum(size) AS bytes FROM "Upload" WHERE "ownerId" = $1`,
        [racer.id],
      )
      expect([Number(uploaded?.count), Number(uploaded?.bytes)]).toEqual([5, 5 * MIB])
      expect(await query(database.url, `SELECT id FROM "AuditEvent" WHERE "actorId" = $1`, [racer.id])).toHaveLength(5)
    })

    it("answers 429 with Retry-After once a user has started too many uploads", async () => {
      await query(
        database.url,
        `INSERT INTO "RateLimit" (key, hits, "resetAt") VALUES ($1, $2, (now() AT TIME ZONE 'UTC') + interval '5 minutes')`,
        [`upload:user:${stranger.id}`, uploads.uploadGrantLimit().limit],
      )
      const before = await count("Upload")
      const response = await grant({ name: "spam.txt", size: 1, type: "text/plain" }, stranger.id)
      expect(response.status).toBe(429)
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(250)
      expect(await count("Upload")).toBe(before)
    })

    it.each([
      ["no name", { size: 1, type: "text/plain" }, "name"],
      ["a name with a control character", { name: "a\u0007b", size: 1 }, "name"],
      ["a negative size", { name: "a", size: -1 }, "size"],
      ["a fractional size", { name: "a", size: 1.5 }, "size"],
      ["a size as text", { name: "a", size: "10" }, "size"],
      ["a bad media type", { name: "a", size: 1, type: "not a type" }, "type"],
      ["a bad checksum", { name: "a", size: 1, sha256: "abc" }, "sha256"],
    ])("answers 400 for %s and creates nothing", async (_case, input, field) => {
      const before = await count("Upload")
      const response = await grant(input)
      expect(response.status).toBe(400)
      expect((await response.json()).error.issues.map((issue: { path: string }) => issue.path)).toContain(field)
      expect(await count("Upload")).toBe(before)
    })
  })

  it("never logged a presigned URL, signature or credential", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    expect(text).not.toContain(process.env.S3_SECRET_ACCESS_KEY ?? "<no secret>")
    expect(text).not.toContain(process.env.AZURE_STORAGE_KEY ?? "<no secret>")
  })
})
