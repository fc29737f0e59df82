import { randomBytes } from "node:crypto"
import { beforeAll, describe, expect, it, vi } from "vitest"
import { APP_ORIGIN, apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { isAzure, objectPathOf, partEtagOf, STORED } from "@/tests/support/storage-profile"
import { database, MIB, PROFILE, setUpWorld } from "@/tests/support/world"

/**
 * Issue 20's batch APIs against real PostgreSQL and each storage server: many files granted in
 * one call (POST /api/uploads with `files`) and completed in one call (POST /api/uploads/complete),
 * each with its own key, verification and audit row; part URLs signed in batches with one audit
 * row per batch. The abuse cases count as much as the happy path.
 */
const QUOTA = 40 * MIB

const loadRoutes = async () => ({
  grant: (await import("@/app/api/uploads/route")).POST,
  completeMany: (await import("@/app/api/uploads/complete/route")).POST,
  abort: (await import("@/app/api/uploads/[id]/route")).DELETE,
  signParts: (await import("@/app/api/uploads/[id]/parts/route")).POST,
  complete: (await import("@/app/api/uploads/[id]/complete/route")).POST,
})
let routes: Awaited<ReturnType<typeof loadRoutes>>
let owner: { id: string }
let stranger: { id: string }
const logged: string[] = []

type SingleGrant = { id: string; multipart: false; url: string; headers: Record<string, string>; expiresAt: string }
type MultipartGrant = { id: string; multipart: true; partSize: number; partCount: number }
type ItemError = { error: { code: string; message: string } }
type GrantResult = { upload: SingleGrant | MultipartGrant } | ItemError
type CompleteResult =
  { id: string; file: { id: string; name: string; size: number }; created: boolean } | ({ id: string } & ItemError)

const params = (id: string) => ({ params: Promise.resolve({ id }) })
const body = (size: number) => new Uint8Array(randomBytes(size))
const isError = (result: object): result is ItemError => "error" in result

async function grantMany(files: unknown, userId = owner.id) {
  return routes.grant(apiRequest("POST", "/api/uploads", { body: { files }, headers: await browserHeaders(userId) }))
}
async function grantManyOk(files: unknown[], userId = owner.id): Promise<GrantResult[]> {
  const response = await grantMany(files, userId)
  expect(response.status, await response.clone().text()).toBe(200)
  const { results } = (await response.json()) as { results: GrantResult[] }
  expect(results).toHaveLength(files.length)
  return results
}
async function completeMany(uploads: unknown, userId = owner.id) {
  return routes.completeMany(
    apiRequest("POST", "/api/uploads/complete", { body: { uploads }, headers: await browserHeaders(userId) }),
  )
}
async function completeManyOk(uploads: unknown[], userId = owner.id): Promise<CompleteResult[]> {
  const response = await completeMany(uploads, userId)
  expect(response.status, await response.clone().text()).toBe(200)
  return ((await response.json()) as { results: CompleteResult[] }).results
}
async function signParts(uploadId: string, partNumbers: unknown, userId = owner.id) {
  return routes.signParts(
    apiRequest("POST", `/api/uploads/${uploadId}/parts`, {
      body: { partNumbers },
      headers: await browserHeaders(userId),
    }),
    params(uploadId),
  )
}
async function put(url: string, data: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "PUT", body: data, headers })
  await response.arrayBuffer()
  return response
}
const single = (result: GrantResult | undefined): SingleGrant => {
  if (!result || isError(result) || result.upload.multipart)
    throw new Error(`not a single PUT: ${JSON.stringify(result)}`)
  return result.upload
}
const count = async (sql: string, values: unknown[] = []) =>
  Number((await query<{ count: string }>(database.url, sql, values))[0]?.count)
const auditCount = (action: string, uploadIds: string[]) =>
  count(`SELECT count(*) FROM "AuditEvent" WHERE action = $1 AND "uploadId" = ANY($2::text[])`, [action, uploadIds])
const counters = async (userId: string) => {
  const [row] = await query<{ used: string; reserved: string; files: string; pending: string }>(
    database.url,
    `SELECT u."usedBytes" AS used, u."reservedBytes" AS reserved,
            COALESCE((SELECT sum(size) FROM "File" WHERE "ownerId" = u.id), 0) AS files,
            COALESCE((SELECT sum(size) FROM "Upload" WHERE "ownerId" = u.id AND status = 'PENDING'), 0) AS pending
     FROM "User" u WHERE u.id = $1`,
    [userId],
  )
  return {
    used: Number(row?.used),
    reserved: Number(row?.reserved),
    files: Number(row?.files),
    pending: Number(row?.pending),
  }
}

setUpWorld({
  env: {
    MAX_FILE_SIZE_BYTES: String(64 * MIB),
    USER_QUOTA_BYTES: String(QUOTA),
    MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
    MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
  },
  logs: logged,
  users: { owner: "owner@example.com", stranger: "stranger@example.com" },
  async ready(users) {
    ;({ owner, stranger } = users)
    routes = await loadRoutes()
  },
})

describe(`batch grant and batch complete on ${PROFILE} storage`, () => {
  it("grants each file its own key and audit row, refuses bad items alone, completes them in one call", async () => {
    const files = [body(1000), body(2000), body(3)]
    const results = await grantManyOk([
      { name: "a.txt", size: files[0]?.length, type: "text/plain" },
      { name: "", size: 10 },
      { name: "b.bin", size: files[1]?.length },
      { name: "huge.bin", size: 65 * MIB },
      { name: "c.png", size: files[2]?.length, type: "image/png" },
      { name: "bad-type", size: 5, type: "not a type" },
      42,
    ])
    expect(results.map((result) => (isError(result) ? result.error.code : "granted"))).toEqual([
      "granted",
      "invalid_request",
      "granted",
      "file_too_large",
      "granted",
      "invalid_request",
      "invalid_request",
    ])
    const grants = [single(results[0]), single(results[2]), single(results[4])]
    expect(new Set(grants.map((grant) => grant.id)).size).toBe(3)
    expect(new Set(grants.map((grant) => grant.url)).size).toBe(3)
    for (const grant of grants) expect(new URL(grant.url).pathname).toBe(objectPathOf(`u/${owner.id}/${grant.id}`))
    expect(grants[2]?.headers).toMatchObject(
      isAzure ? { "x-ms-blob-content-type": "image/png" } : { "content-type": "image/png" },
    )
    const ids = grants.map((grant) => grant.id)
    expect(await auditCount("upload.put", ids)).toBe(3)
    // A bad item leaves no row behind.
    expect(await count(`SELECT count(*) FROM "Upload" WHERE "ownerId" = $1`, [owner.id])).toBe(3)
    // Only the valid items were charged to the rate limit.
    expect(await count(`SELECT hits AS count FROM "RateLimit" WHERE key = $1`, [`upload:user:${owner.id}`])).toBe(3)

    for (const [index, grant] of grants.entries()) {
      expect((await put(grant.url, files[index] ?? body(0), grant.headers)).status).toBe(STORED)
    }
    const completed = await completeManyOk(ids.map((id) => ({ id })))
    expect(
      completed.map((result) => ("file" in result ? [result.id, result.created, result.file.size] : result)),
    ).toEqual([
      [ids[0], true, 1000],
      [ids[1], true, 2000],
      [ids[2], true, 3],
    ])
    expect(await auditCount("upload.complete", ids)).toBe(3)
    expect(await counters(owner.id)).toMatchObject({ used: 3003, reserved: 0, files: 3003 })

    // A replay answers the same files and records nothing new.
    const replay = await completeManyOk(ids.map((id) => ({ id })))
    expect(replay.map((result) => ("file" in result ? [result.created, result.file.id] : result))).toEqual(
      completed.map((result) => ("file" in result ? [false, result.file.id] : result)),
    )
    expect(await auditCount("upload.complete", ids)).toBe(3)
    expect(await count(`SELECT count(*) FROM "File" WHERE "uploadId" = ANY($1::text[])`, [ids])).toBe(3)
  })

  it("answers per item: another user's upload, unknown ids, aborted, not yet uploaded, wrong bytes", async () => {
    const [mine, missing, aborted, wrongSize] = (
      await grantManyOk([
        { name: "ok.txt", size: 100, type: "text/plain" },
        { name: "never-put.txt", size: 100, type: "text/plain" },
        { name: "aborted.txt", size: 100, type: "text/plain" },
        { name: "short.txt", size: 100, type: "text/plain" },
      ])
    ).map(single)
    const [theirs] = (await grantManyOk([{ name: "theirs.txt", size: 50, type: "text/plain" }], stranger.id)).map(
      single,
    )
    if (!mine || !missing || !aborted || !wrongSize || !theirs) throw new Error("grants missing")
    expect((await put(mine.url, body(100), mine.headers)).status).toBe(STORED)
    expect((await put(theirs.url, body(50), theirs.headers)).status).toBe(STORED)
    expect((await put(aborted.url, body(100), aborted.headers)).status).toBe(STORED)
    const abortResponse = await routes.abort(
      apiRequest("DELETE", `/api/uploads/${aborted.id}`, { headers: await browserHeaders(owner.id) }),
      params(aborted.id),
    )
    expect(abortResponse.status).toBe(204)
    // S3 refuses a body of another length than signed; Azure stores it, and completion rejects it.
    const shortPut = await put(wrongSize.url, body(99), wrongSize.headers)
    expect(shortPut.status).toBe(isAzure ? STORED : 403)

    const results = await completeManyOk([
      { id: theirs.id },
      { id: mine.id },
      { id: "no-such-upload" },
      { id: "../../etc" },
      { id: missing.id },
      { id: aborted.id },
      { id: wrongSize.id },
    ])
    expect(results.map((result) => [result.id, "error" in result ? result.error.code : "file"])).toEqual([
      [theirs.id, "not_found"],
      [mine.id, "file"],
      ["no-such-upload", "not_found"],
      ["../../etc", "not_found"],
      [missing.id, "upload_incomplete"],
      [aborted.id, "upload_not_open"],
      [wrongSize.id, isAzure ? "upload_mismatch" : "upload_incomplete"],
    ])
    // The other user's upload is untouched, and still theirs to complete.
    expect(await count(`SELECT count(*) FROM "File" WHERE "uploadId" = $1`, [theirs.id])).toBe(0)
    const theirResult = await completeManyOk([{ id: theirs.id }], stranger.id)
    expect(theirResult[0]).toMatchObject({ id: theirs.id, created: true })
    for (const user of [owner.id, stranger.id]) {
      const usage = await counters(user)
      expect(usage.used).toBe(usage.files)
      expect(usage.reserved).toBe(usage.pending)
    }
  })

  it("refuses malformed and oversized batches whole, with 400 and nothing recorded", async () => {
    const before = await count(`SELECT count(*) FROM "Upload"`)
    const auditBefore = await count(`SELECT count(*) FROM "AuditEvent"`)
    const tooMany = Array.from({ length: 101 }, (_, index) => ({ name: `f${index}.txt`, size: 1 }))
    for (const files of [[], "x", null, {}, tooMany]) {
      const response = await grantMany(files)
      expect(response.status, JSON.stringify(files).slice(0, 40)).toBe(400)
      expect((await response.json()).error.code).toBe("invalid_request")
    }
    for (const uploads of [
      [],
      [{ id: "a" }, { id: "a" }],
      Array.from({ length: 101 }, (_, index) => ({ id: `u${index}` })),
      [{ id: 7 }],
      "a",
    ]) {
      const response = await completeMany(uploads)
      expect(response.status, JSON.stringify(uploads).slice(0, 40)).toBe(400)
      expect((await response.json()).error.code).toBe("invalid_request")
    }
    expect(await count(`SELECT count(*) FROM "Upload"`)).toBe(before)
    expect(await count(`SELECT count(*) FROM "AuditEvent"`)).toBe(auditBefore)
  })

  it("refuses both batch routes under a session cookie from a forged Origin, as the single routes, changing nothing", async () => {
    const files = [
      { name: "forged-a.txt", size: 10, type: "text/plain" },
      { name: "forged-b.txt", size: 20, type: "text/plain" },
    ]
    // Uploads made the honest way, their bytes in storage, for the forged completions to aim at.
    const grants = (await grantManyOk(files)).map(single)
    for (const grant of grants)
      expect((await put(grant.url, body(grant === grants[0] ? 10 : 20), grant.headers)).status).toBe(STORED)
    const ids = grants.map((grant) => grant.id)
    const [first] = ids
    if (!first) throw new Error("grant missing")
    const state = async () => ({
      uploads: await count(`SELECT count(*) FROM "Upload"`),
      pending: await count(`SELECT count(*) FROM "Upload" WHERE id = ANY($1::text[]) AND status = 'PENDING'`, [ids]),
      files: await count(`SELECT count(*) FROM "File"`),
      audit: await count(`SELECT count(*) FROM "AuditEvent"`),
      usage: await counters(owner.id),
    })
    const before = await state()
    const { cookie } = await browserHeaders(owner.id)
    for (const forged of <Record<string, string>[]>[
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: `${APP_ORIGIN}.evil.example` },
      { origin: APP_ORIGIN.replace("localhost", "127.0.0.1") },
      // No Origin at all, and the browser says the request is another site's.
      { "sec-fetch-site": "cross-site" },
    ]) {
      const headers = { cookie, ...forged }
      const answers = {
        batchGrant: await routes.grant(apiRequest("POST", "/api/uploads", { body: { files }, headers })),
        singleGrant: await routes.grant(apiRequest("POST", "/api/uploads", { body: files[0], headers })),
        batchComplete: await routes.completeMany(
          apiRequest("POST", "/api/uploads/complete", { body: { uploads: ids.map((id) => ({ id })) }, headers }),
        ),
        singleComplete: await routes.complete(
          apiRequest("POST", `/api/uploads/${first}/complete`, { headers }),
          params(first),
        ),
      }
      for (const [name, response] of Object.entries(answers)) {
        expect(
          [name, response.status, ((await response.json()) as ItemError).error.code],
          JSON.stringify(forged),
        ).toEqual([name, 403, "cross_origin_request"])
      }
    }
    expect(await state()).toEqual(before)
    // From the app's own origin the same calls go through: it was the Origin that was refused.
    const completed = await completeManyOk(ids.map((id) => ({ id })))
    expect(completed.map((result) => ("file" in result ? result.created : result))).toEqual([true, true])
  })

  it("admits items in order while they fit the quota; the rest get quota_exceeded", async () => {
    const user = await (
      await import("@/lib/accounts")
    ).registerUser({ email: "edge@example.com", password: "perfectly-fine-3" })
    await query(database.url, `UPDATE "User" SET "quotaBytes" = 1000 WHERE id = $1`, [user.id])
    const results = await grantManyOk(
      [
        { name: "a", size: 600 },
        { name: "b", size: 500 },
        { name: "c", size: 400 },
        { name: "d", size: 1 },
      ],
      user.id,
    )
    expect(results.map((result) => (isError(result) ? result.error.code : "granted"))).toEqual([
      "granted",
      "quota_exceeded",
      "granted",
      "quota_exceeded",
    ])
    expect(await counters(user.id)).toEqual({ used: 0, reserved: 1000, files: 0, pending: 1000 })
  })

  it("records a batch's verified uploads in one statement; a concurrent batch and a replay record each file once", async () => {
    const uploaded = async (files: number) => {
      const grants = (
        await grantManyOk(
          Array.from({ length: files }, (_, index) => ({ name: `at-once-${index}.bin`, size: 100 + index })),
        )
      ).map(single)
      for (const [index, grant] of grants.entries()) {
        const response = await put(grant.url, body(100 + index), grant.headers)
        expect(response.status).toBeLessThan(300)
      }
      return grants.map((grant) => ({ id: grant.id }))
    }

    // Pool calls do not grow with the batch: the caller's session, the uploads found in one query,
    // the webhook check and one recording statement, for one file as for six (one transaction per
    // file was six connections taken for six). (S3: on Azure each
    // verification also pins its snapshot in a transaction of its own.)
    const { getPool } = await import("@/lib/db")
    const poolCalls = async (uploads: { id: string }[]) => {
      // A statement on the pool, or a connection taken for a transaction (Prisma's interactive ones).
      const queries = vi.spyOn(getPool(), "query")
      const connections = vi.spyOn(getPool(), "connect")
      try {
        const results = await completeManyOk(uploads)
        return { results, calls: queries.mock.calls.length + connections.mock.calls.length }
      } finally {
        queries.mockRestore()
        connections.mockRestore()
      }
    }
    const one = await poolCalls(await uploaded(1))
    const first = await uploaded(6)
    const { results, calls } = await poolCalls(first)
    expect(one.results.map((result) => "created" in result && result.created)).toEqual([true])
    if (!isAzure) expect(calls).toBe(one.calls)
    expect(results.map((result) => ("created" in result ? result.created : result))).toEqual(Array(6).fill(true))
    const ids = first.map((item) => item.id)
    expect(await auditCount("upload.complete", ids)).toBe(6)
    expect(await count(`SELECT count(*) FROM "File" WHERE "uploadId" = ANY($1::text[])`, [ids])).toBe(6)
    expect(
      await count(
        `SELECT count(*) FROM "Upload" WHERE id = ANY($1::text[]) AND status = 'COMPLETED' AND "closedAt" IS NOT NULL`,
        [ids],
      ),
    ).toBe(6)
    const [file] = await query<{ etag: string | null; name: string; size: string }>(
      database.url,
      `SELECT etag, name, size FROM "File" WHERE "uploadId" = $1`,
      [ids[0]],
    )
    expect(file).toMatchObject({ name: "at-once-0.bin", size: "100" })
    expect(file?.etag).toBeTruthy()
    const usage = await counters(owner.id)
    expect(usage.used).toBe(usage.files)
    expect(usage.reserved).toBe(usage.pending)

    // Two batches of the same uploads at once: each file is recorded once, and both answer it.
    const second = await uploaded(5)
    const [left, right] = await Promise.all([completeManyOk(second), completeManyOk(second)])
    const fileIdOf = (result: CompleteResult | undefined) => (result && "file" in result ? result.file.id : result)
    for (const [index, item] of second.entries()) {
      const answers = [left[index], right[index]]
      expect(answers.map(fileIdOf)[0]).toEqual(answers.map(fileIdOf)[1])
      expect(answers.filter((answer) => answer && "created" in answer && answer.created)).toHaveLength(1)
      expect(await auditCount("upload.complete", [item.id])).toBe(1)
    }
    // A replay answers the same files and records nothing.
    const replay = await completeManyOk(second)
    expect(replay.map(fileIdOf)).toEqual(left.map(fileIdOf))
    expect(replay.every((result) => "created" in result && !result.created)).toBe(true)
    expect(
      await auditCount(
        "upload.complete",
        second.map((item) => item.id),
      ),
    ).toBe(5)
  })

  it("records one at a time, each with its webhook delivery, while the owner has a live file.uploaded webhook", async () => {
    await query(
      database.url,
      `INSERT INTO "Webhook" (id, "ownerId", url, events, "secretSealed") VALUES ($1, $2, 'http://127.0.0.1:9/hook', ARRAY['file.uploaded'], 'sealed')`,
      [`hook-${Date.now()}`, stranger.id],
    )
    const grants = (
      await grantManyOk(
        [
          { name: "hooked-a.bin", size: 10 },
          { name: "hooked-b.bin", size: 11 },
        ],
        stranger.id,
      )
    ).map(single)
    for (const [index, grant] of grants.entries()) await put(grant.url, body(10 + index), grant.headers)
    const results = await completeManyOk(
      grants.map((grant) => ({ id: grant.id })),
      stranger.id,
    )
    const fileIds = results.map((result) => ("file" in result ? result.file.id : ""))
    expect(fileIds.every(Boolean)).toBe(true)
    const deliveries = await query<{ fileId: string }>(
      database.url,
      `SELECT payload->'data'->'file'->>'id' AS "fileId" FROM "WebhookDelivery" d JOIN "Webhook" w ON w.id = d."webhookId"
       WHERE w."ownerId" = $1 AND d.type = 'file.uploaded'`,
      [stranger.id],
    )
    expect(deliveries.map((row) => row.fileId).sort()).toEqual([...fileIds].sort())
  })

  it("grants a multipart upload inside a batch beside single PUTs", async () => {
    const results = await grantManyOk([
      { name: "big.bin", size: 6 * MIB },
      { name: "small.bin", size: 10 },
    ])
    expect(results[0]).toMatchObject({ upload: { multipart: true, partSize: 5 * MIB, partCount: 2 } })
    expect(results[1]).toMatchObject({ upload: { multipart: false } })
    for (const result of results) {
      if (isError(result)) continue
      const response = await routes.abort(
        apiRequest("DELETE", `/api/uploads/${result.upload.id}`, { headers: await browserHeaders(owner.id) }),
        params(result.upload.id),
      )
      expect(response.status).toBe(204)
    }
  })
})

describe(`part signing in batches on ${PROFILE} storage`, () => {
  let upload: MultipartGrant
  beforeAll(async () => {
    const [result] = await grantManyOk([{ name: "parts.bin", size: 5 * MIB * 6 + 17 }])
    if (!result || isError(result) || !result.upload.multipart) throw new Error("no multipart grant")
    upload = result.upload
    expect(upload.partCount).toBe(7)
  })

  it("signs a batch with one audit row that lists its part numbers; the URLs work", async () => {
    const response = await signParts(upload.id, [1, 2, 3, 7])
    expect(response.status).toBe(200)
    const { parts } = (await response.json()) as { parts: { partNumber: number; size: number; url: string }[] }
    expect(parts.map((part) => [part.partNumber, part.size])).toEqual([
      [1, 5 * MIB],
      [2, 5 * MIB],
      [3, 5 * MIB],
      [7, 17],
    ])
    const rows = await query<{ details: { partNumbers: number[] }; method: string }>(
      database.url,
      `SELECT details, method FROM "AuditEvent" WHERE "uploadId" = $1 AND action = 'upload.part'`,
      [upload.id],
    )
    expect(rows).toEqual([{ details: { partNumbers: [1, 2, 3, 7] }, method: "PUT" }])
    const last = parts[3]
    if (!last) throw new Error("no part 7")
    const stored = await put(last.url, body(17))
    expect(stored.status).toBe(STORED)
    expect(partEtagOf(stored, last.url)).toBeTruthy()
  })

  it.each([
    ["a part number past the last", [6, 8], 400, "invalid_part_number"],
    ["part 0", [0], 400, "invalid_request"],
    ["a duplicated part number", [2, 2], 400, "invalid_request"],
    ["more than 100 parts", Array.from({ length: 101 }, (_, index) => index + 1), 400, "invalid_request"],
    ["part numbers as text", ["1"], 400, "invalid_request"],
  ])("refuses %s and records no key", async (_label, partNumbers, status, code) => {
    const before = await auditCount("upload.part", [upload.id])
    const response = await signParts(upload.id, partNumbers)
    expect(response.status).toBe(status)
    expect((await response.json()).error.code).toBe(code)
    expect(await auditCount("upload.part", [upload.id])).toBe(before)
  })

  it("answers 404 for another user's upload and 409 for a single PUT, an aborted or a completed upload", async () => {
    expect((await signParts(upload.id, [1], stranger.id)).status).toBe(404)
    const [small, doomed] = (
      await grantManyOk([
        { name: "small.txt", size: 5, type: "text/plain" },
        { name: "doomed.bin", size: 6 * MIB },
      ])
    ).map((result) => (isError(result) ? undefined : result.upload))
    if (!small || !doomed) throw new Error("grants missing")
    const notMultipart = await signParts(small.id, [1])
    expect(notMultipart.status).toBe(409)
    expect((await notMultipart.json()).error.code).toBe("not_multipart")
    await routes.abort(
      apiRequest("DELETE", `/api/uploads/${doomed.id}`, { headers: await browserHeaders(owner.id) }),
      params(doomed.id),
    )
    const closed = await signParts(doomed.id, [1, 2])
    expect(closed.status).toBe(409)
    expect((await closed.json()).error.code).toBe("upload_not_open")
    if (small.multipart) throw new Error("expected a single PUT")
    expect((await put(small.url, body(5), small.headers)).status).toBe(STORED)
    expect(await completeManyOk([{ id: small.id }])).toMatchObject([{ id: small.id, created: true }])
    expect((await signParts(small.id, [1])).status).toBe(409)
    expect(await auditCount("upload.part", [doomed.id, small.id])).toBe(0)
  })
})
