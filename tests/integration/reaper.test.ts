import { randomBytes } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { isAzure, STORED } from "@/tests/support/storage-profile"

// Pass-through spies: storage really deletes and aborts, and the test counts who asked it to.
vi.mock("@/lib/storage", async (importOriginal) => {
  const storage = await importOriginal<typeof import("@/lib/storage")>()
  return {
    ...storage,
    deleteObject: vi.fn(storage.deleteObject),
    abortMultipartUpload: vi.fn(storage.abortMultipartUpload),
  }
})

/**
 * Several reapers at once (every app instance runs one, and `npm run reap` may run beside them)
 * never process the same upload twice: each expired upload is closed once, its object deleted or
 * its multipart upload aborted once, and the other reapers skip it.
 */
const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const MIB = 1024 * 1024
const SINGLE = 30
const MULTIPART = 10
const REAPERS = 4

let database: Awaited<ReturnType<typeof useFreshDatabase>>

beforeAll(async () => {
  database = await useFreshDatabase({
    MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
    MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
  })
})

afterAll(async () => {
  await database.cleanUp()
})

describe(`concurrent reapers on ${PROFILE} storage`, () => {
  it(`${REAPERS} reapers close ${SINGLE + MULTIPART} expired uploads, each exactly once`, async () => {
    const storage = await import("@/lib/storage")
    const uploads = await import("@/lib/uploads")
    const { getDb } = await import("@/lib/db")
    const account = await getDb().user.create({
      data: { email: "reaper@example.com" },
      select: { id: true, email: true, name: true, role: true },
    })
    const owner = { ...account, via: "session" as const }

    // Granted one after another: the grants are set-up here, the reapers are what runs at once.
    const inTurn = async <T>(count: number, make: (index: number) => Promise<T>) => {
      const made: T[] = []
      for (let index = 0; index < count; index++) made.push(await make(index))
      return made
    }
    const singles = await inTurn(SINGLE, async (index) => {
      const data = new Uint8Array(randomBytes(100 + index))
      const grant = await uploads.grantUpload(owner, {
        name: `single-${index}`,
        size: data.length,
        type: "application/octet-stream",
      })
      if (grant.multipart) throw new Error("expected a single PUT")
      const response = await fetch(grant.url, { method: "PUT", body: data, headers: grant.headers })
      expect(response.status).toBe(STORED)
      return grant.id
    })
    const multiparts = await inTurn(MULTIPART, async (index) => {
      const grant = await uploads.grantUpload(owner, {
        name: `multi-${index}`,
        size: 5 * MIB + 1,
        type: "application/octet-stream",
      })
      // Half of them have a part in storage, so there is something to free.
      if (index % 2 === 0) {
        const [part] = await uploads.signUploadParts(owner, grant.id, [2])
        const response = await fetch(part?.url ?? "", { method: "PUT", body: new Uint8Array(1) })
        expect(response.status).toBe(STORED)
      }
      return grant.id
    })
    const ids = [...singles, ...multiparts]
    await query(
      database.url,
      `UPDATE "Upload" SET "expiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 minute' WHERE id = ANY($1)`,
      [ids],
    )
    const rows = await query<{ id: string; objectKey: string; multipartUploadId: string | null }>(
      database.url,
      `SELECT id, "objectKey", "multipartUploadId" FROM "Upload" WHERE id = ANY($1)`,
      [ids],
    )
    const auditRowsBefore = await query(database.url, `SELECT id FROM "AuditEvent"`)
    const deleteObject = vi.mocked(storage.deleteObject)
    const abortMultipartUpload = vi.mocked(storage.abortMultipartUpload)
    deleteObject.mockClear()
    abortMultipartUpload.mockClear()

    // Small batches, so the reapers take turns claiming rows while the others hold theirs.
    const reaper = async () => {
      let closed = 0
      for (
        let batch = await uploads.reapExpiredUploads({ batchSize: 3 });
        batch > 0;
        batch = await uploads.reapExpiredUploads({ batchSize: 3 })
      ) {
        closed += batch
      }
      return closed
    }
    const closed = await Promise.all(Array.from({ length: REAPERS }, reaper))

    expect(closed.reduce((sum, count) => sum + count, 0)).toBe(ids.length)
    // They really ran side by side: more than one of them found work.
    expect(closed.filter((count) => count > 0).length).toBeGreaterThan(1)
    const statuses = await query<{ status: string; closed: boolean }>(
      database.url,
      `SELECT status, "closedAt" IS NOT NULL AS closed FROM "Upload" WHERE id = ANY($1)`,
      [ids],
    )
    expect(statuses).toEqual(ids.map(() => ({ status: "EXPIRED", closed: true })))

    // Storage was asked once per upload: a delete for each single PUT, an abort for each multipart.
    const keysOf = (mock: typeof deleteObject | typeof abortMultipartUpload) =>
      mock.mock.calls.map(([argument]) => (typeof argument === "string" ? argument : argument.key)).sort()
    const single = rows.filter((row) => !row.multipartUploadId).map((row) => row.objectKey)
    const multipart = rows.filter((row) => row.multipartUploadId)
    expect(keysOf(deleteObject)).toEqual([...single].sort())
    expect(keysOf(abortMultipartUpload)).toEqual(multipart.map((row) => row.objectKey).sort())
    for (const key of single) expect(await storage.headObject(key)).toBeNull()
    // Storage no longer knows any of them (Azure: no blob, so no blocks to list).
    for (const row of multipart) {
      expect(await storage.listParts({ key: row.objectKey, uploadId: row.multipartUploadId ?? "" })).toEqual(
        isAzure ? [] : null,
      )
    }

    // Reaping writes no audit rows, so none can be duplicated; and a further pass finds nothing.
    expect(await query(database.url, `SELECT id FROM "AuditEvent"`)).toHaveLength(auditRowsBefore.length)
    expect(await uploads.reapExpiredUploads()).toBe(0)
  })

  it(`${REAPERS} sweepers remove what dead keys wrote after their uploads closed, each upload exactly once`, async () => {
    const storage = await import("@/lib/storage")
    const uploads = await import("@/lib/uploads")
    const { getDb } = await import("@/lib/db")
    const account = await getDb().user.create({
      data: { email: "sweeper@example.com" },
      select: { id: true, email: true, name: true, role: true },
    })
    const owner = { ...account, via: "session" as const }
    const ids: string[] = []
    for (let index = 0; index < SINGLE; index++) {
      const data = new Uint8Array(randomBytes(50 + index))
      const grant = await uploads.grantUpload(owner, {
        name: `late-${index}`,
        size: data.length,
        type: "application/octet-stream",
      })
      if (grant.multipart) throw new Error("expected a single PUT")
      await uploads.abortUpload(owner, grant.id)
      // The cancelled upload's key still works: it writes after the close.
      const response = await fetch(grant.url, { method: "PUT", body: data, headers: grant.headers })
      expect(response.status).toBe(STORED)
      ids.push(grant.id)
    }
    // The keys have expired (and the in-flight grace with them).
    await query(
      database.url,
      `UPDATE "Upload" SET "keysExpireAt" = (now() AT TIME ZONE 'UTC') - interval '1 day', "sweepDueAt" = (now() AT TIME ZONE 'UTC') - interval '1 day'
       WHERE id = ANY($1)`,
      [ids],
    )
    const rows = await query<{ objectKey: string }>(
      database.url,
      `SELECT "objectKey" FROM "Upload" WHERE id = ANY($1)`,
      [ids],
    )
    for (const row of rows) expect(await storage.headObject(row.objectKey)).not.toBeNull()
    const deleteObject = vi.mocked(storage.deleteObject)
    deleteObject.mockClear()

    const sweeper = async () => {
      let swept = 0
      for (
        let batch = await uploads.sweepClosedUploads({ batchSize: 3 });
        batch > 0;
        batch = await uploads.sweepClosedUploads({ batchSize: 3 })
      ) {
        swept += batch
      }
      return swept
    }
    const swept = await Promise.all(Array.from({ length: REAPERS }, sweeper))
    expect(swept.reduce((sum, count) => sum + count, 0)).toBe(ids.length)
    expect(swept.filter((count) => count > 0).length).toBeGreaterThan(1)
    const keysOf = deleteObject.mock.calls.map(([key]) => key).sort()
    expect(keysOf).toEqual(rows.map((row) => row.objectKey).sort())
    for (const row of rows) expect(await storage.headObject(row.objectKey)).toBeNull()
    const marked = await query<{ swept: boolean; due: boolean }>(
      database.url,
      `SELECT "sweptAt" IS NOT NULL AS swept, "sweepDueAt" IS NOT NULL AS due FROM "Upload" WHERE id = ANY($1)`,
      [ids],
    )
    expect(marked).toEqual(ids.map(() => ({ swept: true, due: false })))
    expect(await uploads.sweepClosedUploads()).toBe(0)
  })
})
