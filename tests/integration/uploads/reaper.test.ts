import { describe, expect, it } from "vitest"
import { query } from "@/tests/support/database"
import { SIGNATURE_PATTERN, STORED } from "@/tests/support/storage-profile"
import {
  setUpUploadsWorld,
  PROFILE,
  MIB,
  database,
  storage,
  uploads,
  logged,
  body,
  type SingleGrant,
  type MultipartGrant,
  grantOk,
  complete,
  put,
  objectKeyOf,
  statusOf,
} from "@/tests/support/uploads/world"

/**
 * The reaper closes expired uploads and frees what storage held, inside the server on its interval
 * and once as `npm run reap`.
 */
setUpUploadsWorld()

describe(`uploads on ${PROFILE} storage: the reaper`, () => {
  describe("the reaper", () => {
    it("closes expired uploads and removes what storage held; live ones are left alone", async () => {
      const data = body(800)
      const stale = await grantOk<SingleGrant>({
        name: "stale.bin",
        size: data.length,
        type: "application/octet-stream",
      })
      expect((await put(stale.url, data, stale.headers)).status).toBe(STORED)
      const staleMultipart = await grantOk<MultipartGrant>({
        name: "stale-big.bin",
        size: 5 * MIB + 1,
        type: "application/octet-stream",
      })
      const live = await grantOk<SingleGrant>({ name: "live.bin", size: 5, type: "application/octet-stream" })
      await query(
        database.url,
        `UPDATE "Upload" SET "expiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 minute' WHERE id = ANY($1)`,
        [[stale.id, staleMultipart.id]],
      )

      // Two reapers at once (two app instances) must not trip over each other.
      const reaped = await Promise.all([uploads.reapExpiredUploads(), uploads.reapExpiredUploads()])
      expect(reaped.reduce((sum, value) => sum + value, 0)).toBe(2)
      expect(await statusOf(stale.id)).toBe("EXPIRED")
      expect(await statusOf(staleMultipart.id)).toBe("EXPIRED")
      expect(await statusOf(live.id)).toBe("PENDING")
      expect(await storage.headObject(await objectKeyOf(stale.id))).toBeNull()
      expect((await complete(stale.id)).status).toBe(409)
      expect(await uploads.reapExpiredUploads()).toBe(0)
    })
  })

  describe("the reaper on an interval and from the command line", () => {
    const expireNow = (id: string) =>
      query(
        database.url,
        `UPDATE "Upload" SET "expiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 second' WHERE id = $1`,
        [id],
      )

    it("runs inside the server on its interval", async () => {
      const upload = await grantOk<SingleGrant>({ name: "interval.bin", size: 5, type: "application/octet-stream" })
      await expireNow(upload.id)
      const { startReaper } = await import("@/lib/reaper")
      startReaper(1)
      await expect.poll(() => statusOf(upload.id), { timeout: 10_000, interval: 200 }).toBe("EXPIRED")
    })

    it("runs once as `npm run reap`", async () => {
      const upload = await grantOk<SingleGrant>({ name: "cron.bin", size: 5, type: "application/octet-stream" })
      await expireNow(upload.id)
      const { execFile } = await import("node:child_process")
      const output = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ["--import", "tsx", "scripts/reap.ts"],
          { env: { ...process.env, REAPER_INTERVAL_SECONDS: "0" } },
          (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
        ),
      )
      expect(output).toMatch(/^reap: closed \d+ expired upload\(s\), dropped \d+ finished rate-limit window\(s\)$/m)
      expect(await statusOf(upload.id)).toBe("EXPIRED")
    })
  })

  it("never logged a presigned URL, signature or credential", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    expect(text).not.toContain(process.env.S3_SECRET_ACCESS_KEY ?? "<no secret>")
    expect(text).not.toContain(process.env.AZURE_STORAGE_KEY ?? "<no secret>")
  })
})
