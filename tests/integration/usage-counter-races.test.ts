import { randomBytes } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { apiRequest, browserHeaders, captureLogs, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { STORED } from "@/tests/support/storage-profile"

/**
 * The quota's usage counters (issue 20) under real concurrency, on real PostgreSQL and each
 * storage server: grants racing at the quota edge never over-admit (nor refuse what fitted), and
 * after a storm of grants, completions (one and many), aborts, file deletes by owner and admin,
 * reaps, sweeps and an account deletion, every counter equals the SUM over the rows.
 */
const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const MIB = 1024 * 1024

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let routes: {
  grant: typeof import("@/app/api/uploads/route").POST
  complete: typeof import("@/app/api/uploads/[id]/complete/route").POST
  completeMany: typeof import("@/app/api/uploads/complete/route").POST
  abort: typeof import("@/app/api/uploads/[id]/route").DELETE
  deleteFile: typeof import("@/app/api/files/[id]/route").DELETE
}
let uploads: typeof import("@/lib/uploads")
let admin: { id: string }
const logged: string[] = []

type Grant = { id: string; multipart: boolean; url?: string; headers?: Record<string, string> }
const params = (id: string) => ({ params: Promise.resolve({ id }) })
const body = (size: number) => new Uint8Array(randomBytes(size))

const post = async (handler: (request: Request) => Promise<Response>, path: string, userId: string, json?: unknown) =>
  handler(apiRequest("POST", path, { body: json, headers: await browserHeaders(userId) }))
const call = async (
  handler: (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>,
  method: string,
  path: string,
  id: string,
  userId: string,
  json?: unknown,
) => handler(apiRequest(method, path, { body: json, headers: await browserHeaders(userId) }), params(id))

async function newUser(email: string, quotaBytes: number) {
  const { registerUser } = await import("@/lib/accounts")
  const user = await registerUser({ email, password: "perfectly-fine-1" })
  await query(database.url, `UPDATE "User" SET "quotaBytes" = $2 WHERE id = $1`, [user.id, quotaBytes])
  return user
}

/** Every account's counters against the sums they stand for; none may differ or go negative. */
async function expectCountersEqualSums() {
  const rows = await query<{ id: string; used: string; reserved: string; files: string; pending: string }>(
    database.url,
    `SELECT u.id, u."usedBytes" AS used, u."reservedBytes" AS reserved,
            COALESCE((SELECT sum(size) FROM "File" WHERE "ownerId" = u.id), 0) AS files,
            COALESCE((SELECT sum(size) FROM "Upload" WHERE "ownerId" = u.id AND status = 'PENDING'), 0) AS pending
     FROM "User" u`,
  )
  for (const row of rows) {
    expect(Number(row.used), `${row.id} usedBytes`).toBe(Number(row.files))
    expect(Number(row.reserved), `${row.id} reservedBytes`).toBe(Number(row.pending))
    expect(Number(row.used)).toBeGreaterThanOrEqual(0)
    expect(Number(row.reserved)).toBeGreaterThanOrEqual(0)
  }
  return rows
}

beforeAll(async () => {
  database = await useFreshDatabase({
    MAX_FILE_SIZE_BYTES: String(64 * MIB),
    MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
    MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
    UPLOAD_GRANT_RATE_LIMIT: "1000000",
    UPLOAD_SWEEP_GRACE_SECONDS: "0",
  })
  captureLogs(logged)
  routes = {
    grant: (await import("@/app/api/uploads/route")).POST,
    complete: (await import("@/app/api/uploads/[id]/complete/route")).POST,
    completeMany: (await import("@/app/api/uploads/complete/route")).POST,
    abort: (await import("@/app/api/uploads/[id]/route")).DELETE,
    deleteFile: (await import("@/app/api/files/[id]/route")).DELETE,
  }
  uploads = await import("@/lib/uploads")
  const { registerUser } = await import("@/lib/accounts")
  admin = await registerUser({ email: "admin@example.com", password: "perfectly-fine-0" })
})

afterAll(async () => {
  vi.restoreAllMocks()
  await database.cleanUp()
})

describe(`usage counters under concurrency on ${PROFILE} storage`, () => {
  it("never over-admits when single, batch and multipart grants race at the quota edge", async () => {
    const quota = 30 * MIB
    const user = await newUser("edge@example.com", quota)
    type Attempt = { size: number; granted: Grant | null; code?: string }
    const single = async (size: number): Promise<Attempt[]> => {
      const response = await post(routes.grant, "/api/uploads", user.id, { name: "s.bin", size })
      const json = await response.json()
      return [{ size, granted: response.status === 201 ? json.upload : null, code: json.error?.code }]
    }
    const batch = async (sizes: number[]): Promise<Attempt[]> => {
      const response = await post(routes.grant, "/api/uploads", user.id, {
        files: sizes.map((size, index) => ({ name: `b${index}.bin`, size })),
      })
      expect(response.status).toBe(200)
      const { results } = await response.json()
      return sizes.map((size, index) => ({
        size,
        granted: results[index].upload ?? null,
        code: results[index].error?.code,
      }))
    }
    const attempts = (
      await Promise.all([
        ...Array.from({ length: 16 }, () => single(1 * MIB)),
        ...Array.from({ length: 4 }, () => batch([2 * MIB, 2 * MIB, 512 * 1024])),
        ...Array.from({ length: 6 }, () => single(6 * MIB)),
      ])
    ).flat()
    const admitted = attempts.filter((attempt) => attempt.granted)
    // On a loaded shared machine a grant may be turned away with a 503 (pool or storage busy): it
    // reserved nothing, and says nothing about the quota.
    const unavailable = attempts.filter((attempt) => !attempt.granted && /_unavailable$/.test(attempt.code ?? ""))
    const refused = attempts.filter((attempt) => !attempt.granted && !unavailable.includes(attempt))
    const used = admitted.reduce((sum, attempt) => sum + attempt.size, 0)
    expect(unavailable.length).toBeLessThan(attempts.length / 2)
    expect(refused.length).toBeGreaterThan(0)
    expect(refused.map((attempt) => attempt.code)).toEqual(refused.map(() => "quota_exceeded"))
    // Never over: what was admitted fits. Never under: usage only grew, so each refused size
    // still does not fit beside everything admitted.
    expect(used).toBeLessThanOrEqual(quota)
    for (const attempt of refused) expect(used + attempt.size).toBeGreaterThan(quota)
    const rows = await expectCountersEqualSums()
    expect(Number(rows.find((row) => row.id === user.id)?.reserved)).toBe(used)
    // Give the multipart uploads back to storage.
    for (const attempt of admitted)
      if (attempt.granted)
        await call(routes.abort, "DELETE", `/api/uploads/${attempt.granted.id}`, attempt.granted.id, user.id)
    await expectCountersEqualSums()
  })

  it("keeps every counter equal to SUM over the rows after a storm of grants, completions, deletes and reaps", async () => {
    const alice = await newUser("alice@example.com", 1024 * MIB)
    const bob = await newUser("bob@example.com", 1024 * MIB)
    const sizeOf = (index: number) => 100 + ((index * 7919) % 3000)

    // Before the storm: per user 24 single PUTs in storage; 8 of them already files.
    const prepare = async (userId: string) => {
      const response = await post(routes.grant, "/api/uploads", userId, {
        files: Array.from({ length: 24 }, (_, index) => ({ name: `f${index}.bin`, size: sizeOf(index) })),
      })
      const { results } = (await response.json()) as { results: { upload: Grant }[] }
      const grants = results.map((result) => result.upload)
      await Promise.all(
        grants.map(async (grant, index) => {
          const stored = await fetch(grant.url ?? "", {
            method: "PUT",
            body: body(sizeOf(index)),
            headers: grant.headers,
          })
          await stored.arrayBuffer()
          expect(stored.status).toBe(STORED)
        }),
      )
      const done = await post(routes.completeMany, "/api/uploads/complete", userId, {
        uploads: grants.slice(0, 8).map((grant) => ({ id: grant.id })),
      })
      const files = ((await done.json()) as { results: { file: { id: string } }[] }).results.map(
        (result) => result.file.id,
      )
      return { grants, files }
    }
    const a = await prepare(alice.id)
    const b = await prepare(bob.id)
    // Six of each user's pending uploads are past their window: the reaper's, unless a completion wins.
    const expired = [...a.grants.slice(18, 24), ...b.grants.slice(18, 24)].map((grant) => grant.id)
    await query(
      database.url,
      `UPDATE "Upload" SET "expiresAt" = now() - interval '1 minute' WHERE id = ANY($1::text[])`,
      [expired],
    )
    await expectCountersEqualSums()

    const failures: string[] = []
    const track = async (response: Promise<Response>) => {
      const settled = await response
      const text = await settled.text()
      if (settled.status >= 500) failures.push(`${settled.status} ${text.slice(0, 200)}`)
    }
    const storm = (user: { id: string }, own: typeof a) => [
      // Completions one by one and in batches, overlapping each other and the reaper.
      ...own.grants
        .slice(8, 14)
        .map((grant) => track(call(routes.complete, "POST", `/api/uploads/${grant.id}/complete`, grant.id, user.id))),
      track(
        post(routes.completeMany, "/api/uploads/complete", user.id, {
          uploads: own.grants.slice(11, 22).map((grant) => ({ id: grant.id })),
        }),
      ),
      // Aborts racing those completions.
      ...own.grants
        .slice(13, 16)
        .map((grant) => track(call(routes.abort, "DELETE", `/api/uploads/${grant.id}`, grant.id, user.id))),
      // File deletes: the owner's and an administrator's.
      ...own.files
        .slice(0, 4)
        .map((fileId) => track(call(routes.deleteFile, "DELETE", `/api/files/${fileId}`, fileId, user.id))),
      ...own.files
        .slice(4, 8)
        .map((fileId) => track(call(routes.deleteFile, "DELETE", `/api/files/${fileId}`, fileId, admin.id))),
      // New grants, single and batch.
      ...Array.from({ length: 6 }, (_, index) =>
        track(post(routes.grant, "/api/uploads", user.id, { name: `new${index}.bin`, size: sizeOf(100 + index) })),
      ),
      track(
        post(routes.grant, "/api/uploads", user.id, {
          files: Array.from({ length: 10 }, (_, index) => ({ name: `nb${index}.bin`, size: sizeOf(200 + index) })),
        }),
      ),
    ]
    const reaped: number[] = []
    await Promise.all([
      ...storm(alice, a),
      ...storm(bob, b),
      uploads.reapExpiredUploads({ batchSize: 5 }).then((count) => reaped.push(count)),
      uploads.reapExpiredUploads({ batchSize: 5 }).then((count) => reaped.push(count)),
      uploads.reapExpiredUploads().then((count) => reaped.push(count)),
    ])
    await uploads.reapExpiredUploads()
    await uploads.sweepClosedUploads()
    // Races lose with a 4xx (already closed, not open, not found). Under this burst a call may be
    // turned away with 503 (Azure's completions hold a pooled connection across storage calls, so
    // the pool runs dry); never a 500. Whatever failed, the counters must still match the rows.
    expect(failures.filter((failure) => !/^503 .*_unavailable/.test(failure))).toEqual([])
    expect(reaped.reduce((sum, count) => sum + count, 0)).toBeGreaterThan(0)
    await expectCountersEqualSums()

    // Deleting an account takes its rows with it and touches nobody else's counters.
    const { getDb } = await import("@/lib/db")
    await getDb().user.delete({ where: { id: bob.id } })
    const rows = await expectCountersEqualSums()
    expect(rows.some((row) => row.id === bob.id)).toBe(false)
    expect(Number(rows.find((row) => row.id === alice.id)?.used)).toBeGreaterThan(0)
  })
})
