/**
 * Faults, against real app instances from the production build (DESIGN.md §3): storage going
 * away, PostgreSQL restarting under traffic, and an instance killed in the middle of a multipart
 * upload. Each failure is made for one instance alone — through a relay, a database of its own —
 * so the storage and database the other tests share are never touched.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto"
import { chmod, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { applyMigrations } from "@/scripts/migrate"
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "@/scripts/services/embedded-postgres"
import { freePort } from "@/scripts/services/ports"
import { sessionCookie } from "@/tests/support/app"
import { startAppInstance, type AppInstance } from "@/tests/support/app-instance"
import { createFreshDatabase, query } from "@/tests/support/database"
import { isAzure, partEtagOf, STORED } from "@/tests/support/storage-profile"
import { startTcpRelay, type TcpRelay } from "@/tests/support/tcp-relay"

const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const MIB = 1024 * 1024
/** No single request may take longer than this: anything slower counts as a hang. */
const REQUEST_BOUND_MS = 90_000

type Json = Record<string, unknown>
type Reply = { status: number; body: Json; headers: Headers }

/** The file a completion answered with. */
const fileOf = (reply: Reply) => reply.body.file as { id: string; name: string; size: number }

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex")
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A signed-in API client for one instance: an account registered through it and a personal API token. */
async function signUp(instance: AppInstance) {
  const email = `faults-${randomUUID()}@example.com`
  const registered = await fetch(`${instance.url}/api/register`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: instance.url },
    body: JSON.stringify({ email, password: "a long enough fault password" }),
  })
  expect(registered.status, await registered.clone().text()).toBe(201)
  const { user } = (await registered.json()) as { user: { id: string } }
  // The instance decrypts this cookie with the AUTH_SECRET it inherited from the test process.
  const created = await fetch(`${instance.url}/api/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: instance.url, cookie: await sessionCookie(user.id) },
    body: JSON.stringify({ name: "faults" }),
  })
  expect(created.status, await created.clone().text()).toBe(201)
  const { token } = (await created.json()) as { token: { secret: string } }
  return { userId: user.id, token: token.secret }
}

/** Calls the API of `instance` with a bearer token; every call is bounded, so a hang fails the test. */
async function api(
  instance: AppInstance,
  token: string,
  method: string,
  route: string,
  body?: unknown,
): Promise<Reply> {
  const response = await fetch(`${instance.url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
    signal: AbortSignal.timeout(REQUEST_BOUND_MS),
  })
  const text = await response.text()
  let parsed: Json = {}
  try {
    parsed = text ? (JSON.parse(text) as Json) : {}
  } catch {
    parsed = { text }
  }
  return { status: response.status, body: parsed, headers: response.headers }
}

async function health(instance: AppInstance): Promise<Reply> {
  const response = await fetch(`${instance.url}/api/health`, { signal: AbortSignal.timeout(REQUEST_BOUND_MS) })
  return { status: response.status, body: (await response.json()) as Json, headers: response.headers }
}

async function putBytes(url: string, data: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "PUT",
    body: data,
    headers,
    signal: AbortSignal.timeout(REQUEST_BOUND_MS),
  })
  await response.arrayBuffer()
  return response
}

/** The bytes a file's download link leads to, through the app's 302 and storage's presigned GET. */
async function download(instance: AppInstance, token: string, fileId: string): Promise<Uint8Array> {
  const redirect = await api(instance, token, "GET", `/api/files/${fileId}/download`)
  expect(redirect.status).toBe(302)
  const location = redirect.headers.get("location") ?? ""
  const response = await fetch(location, { signal: AbortSignal.timeout(REQUEST_BOUND_MS) })
  expect(response.status).toBe(200)
  return new Uint8Array(await response.arrayBuffer())
}

/** What every consistent database holds, whatever happened to the app or the database meanwhile. */
async function expectConsistent(databaseUrl: string) {
  const count = async (sql: string) => Number((await query<{ count: string }>(databaseUrl, sql))[0]?.count)
  // Every completed upload has exactly one file, with the upload's key and size.
  expect(
    await count(`SELECT count(*) FROM "Upload" u WHERE u.status = 'COMPLETED'
      AND (SELECT count(*) FROM "File" f WHERE f."uploadId" = u.id AND f."objectKey" = u."objectKey" AND f.size = u.size) <> 1`),
  ).toBe(0)
  // No file without its completed upload, and no open or failed upload with a file.
  expect(
    await count(
      `SELECT count(*) FROM "File" f LEFT JOIN "Upload" u ON u.id = f."uploadId" WHERE u.status IS DISTINCT FROM 'COMPLETED'`,
    ),
  ).toBe(0)
  // The completion's audit row is written in the same transaction as the file: one each.
  expect(await count(`SELECT count(*) FROM "AuditEvent" WHERE action = 'upload.complete'`)).toBe(
    await count(`SELECT count(*) FROM "File"`),
  )
  // Only closed uploads carry a closing time.
  expect(await count(`SELECT count(*) FROM "Upload" WHERE (status = 'PENDING') <> ("closedAt" IS NULL)`)).toBe(0)
}

/**
 * Cleanups for the describe block it is called in, run by that block's afterAll in reverse order,
 * so one scenario's instances are gone before the next one starts its own.
 */
function cleanupsOfThisBlock() {
  const cleanups: (() => Promise<unknown>)[] = []
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(error))
  })
  const defer = (cleanup: () => Promise<unknown>) => void cleanups.push(cleanup)
  const atEnd = <T>(value: T, cleanup: (value: T) => Promise<unknown>) => {
    defer(() => cleanup(value))
    return value
  }
  return { atEnd, defer }
}

describe(`faults on ${PROFILE} storage`, () => {
  describe("storage down", () => {
    const { atEnd } = cleanupsOfThisBlock()
    let database: Awaited<ReturnType<typeof createFreshDatabase>>
    let relay: TcpRelay
    let instance: AppInstance

    beforeAll(async () => {
      database = atEnd(await createFreshDatabase("faults_storage"), (db) => db.drop())
      await applyMigrations(database.url)
      const endpointVariable = isAzure ? "AZURE_BLOB_ENDPOINT" : "S3_ENDPOINT"
      const endpoint = process.env[endpointVariable]
      if (!endpoint) throw new Error(`${endpointVariable} is not set: run the tests through \`npm test\``)
      relay = atEnd(await startTcpRelay(endpoint), (r) => r.close())
      // Presigned URLs name the relay too (the signed host must be the one the client reaches);
      // Azurite's endpoint keeps its account in the path.
      const relayed = new URL(new URL(endpoint).pathname, relay.url).toString().replace(/\/$/, "")
      instance = atEnd(
        await startAppInstance({
          env: { DATABASE_URL: database.url, [endpointVariable]: relayed, REAPER_INTERVAL_SECONDS: "0" },
        }),
        (app) => app.stop(),
      )
    })

    it("still grants uploads, answers 503 storage_unavailable on complete and health, and completes on retry", async () => {
      const { token } = await signUp(instance)
      const grant = async (data: Uint8Array, name: string) => {
        const reply = await api(instance, token, "POST", "/api/uploads", {
          name,
          size: data.length,
          type: "application/octet-stream",
        })
        expect(reply.status, JSON.stringify(reply.body)).toBe(201)
        const upload = reply.body.upload as {
          id: string
          multipart: boolean
          url: string
          headers: Record<string, string>
        }
        expect(upload.multipart).toBe(false)
        return upload
      }
      const complete = (uploadId: string) => api(instance, token, "POST", `/api/uploads/${uploadId}/complete`)

      const first = new Uint8Array(randomBytes(4000))
      const firstGrant = await grant(first, "before-the-outage.bin")
      expect((await putBytes(firstGrant.url, first, firstGrant.headers)).status).toBe(STORED)

      relay.pause("reset")
      // Presigning needs no storage round trip: grants keep working while storage is away.
      const second = new Uint8Array(randomBytes(5000))
      const secondGrant = await grant(second, "granted-during-the-outage.bin")
      const refused = await complete(firstGrant.id)
      expect(refused.status).toBe(503)
      expect(refused.body).toMatchObject({ error: { code: "storage_unavailable" } })
      const down = await health(instance)
      expect(down.status).toBe(503)
      expect(down.body).toMatchObject({
        error: { code: "storage_unavailable" },
        checks: { database: "ok", storage: "unavailable" },
      })
      await expect(putBytes(secondGrant.url, second, secondGrant.headers)).rejects.toThrow()

      relay.resume()
      expect((await health(instance)).status).toBe(200)
      const completed = await complete(firstGrant.id)
      expect(completed.status, JSON.stringify(completed.body)).toBe(201)
      const again = await complete(firstGrant.id)
      expect(again.status).toBe(200)
      expect(fileOf(again).id).toBe(fileOf(completed).id)
      expect(sha256(await download(instance, token, fileOf(completed).id))).toBe(sha256(first))
      expect((await putBytes(secondGrant.url, second, secondGrant.headers)).status).toBe(STORED)

      // A hung storage (connections accepted, never answered) is given up on, not waited for.
      relay.pause("blackhole")
      const [hungHealth, hungComplete] = await Promise.all([health(instance), complete(secondGrant.id)])
      expect(hungHealth.status).toBe(503)
      expect(hungHealth.body).toMatchObject({ error: { code: "storage_unavailable" } })
      expect(hungComplete.status).toBe(503)
      expect(hungComplete.body).toMatchObject({ error: { code: "storage_unavailable" } })

      relay.resume()
      const secondCompleted = await complete(secondGrant.id)
      expect(secondCompleted.status, JSON.stringify(secondCompleted.body)).toBe(201)
      expect(sha256(await download(instance, token, fileOf(secondCompleted).id))).toBe(sha256(second))

      const files = await query<{ uploadId: string }>(database.url, `SELECT "uploadId" FROM "File"`)
      expect(files.map((file) => file.uploadId).sort()).toEqual([firstGrant.id, secondGrant.id].sort())
      await expectConsistent(database.url)
    })
  })

  // The same app code on any storage: on Azurite (which sits in for the storage-specific files
  // only, scripts/test.ts) it would add half a minute and no coverage.
  describe.skipIf(isAzure)("PostgreSQL restarted mid-traffic", () => {
    const { atEnd, defer } = cleanupsOfThisBlock()
    let postgres: EmbeddedPostgresHandle
    let postgresOptions: Parameters<typeof startEmbeddedPostgres>[0]
    let instance: AppInstance

    beforeAll(async () => {
      // A PostgreSQL of its own: stopping the shared one would fail every other test.
      const dir = atEnd(await mkdtemp(path.join(tmpdir(), "valet-faults-pg-")), (folder) =>
        rm(folder, { recursive: true, force: true }),
      )
      await chmod(dir, 0o755) // PostgreSQL runs as the `postgres` user when we are root
      postgresOptions = {
        dataDir: path.join(dir, "pg"),
        credentialsFile: path.join(dir, "credentials.json"),
        port: await freePort(),
        database: "valet_faults",
      }
      postgres = await startEmbeddedPostgres(postgresOptions)
      // Registered after the folder's removal, so it runs before it: stop whichever server is current.
      defer(() => postgres.stop())
      await applyMigrations(postgres.databaseUrl)
      instance = atEnd(
        await startAppInstance({ env: { DATABASE_URL: postgres.databaseUrl, REAPER_INTERVAL_SECONDS: "0" } }),
        (app) => app.stop(),
      )
    })

    it("answers 503 database_unavailable while it is down, recovers after, and leaves no corrupted rows", async () => {
      const { token } = await signUp(instance)
      const statuses: number[] = []
      const uploaded = new Map<string, string>() // file id → sha256 of what was sent
      let stopping = false
      let completedCycles = 0

      // One upload after another, as a client would: a 503 is retried after a pause, anything else is recorded.
      const call = async (method: string, route: string, body?: unknown) => {
        const reply = await api(instance, token, method, route, body)
        statuses.push(reply.status)
        return reply
      }
      const worker = async (index: number) => {
        for (let cycle = 0; !stopping; cycle++) {
          const data = new Uint8Array(randomBytes(1000 + index * 100 + cycle))
          const granted = await call("POST", "/api/uploads", {
            name: `w${index}-${cycle}.bin`,
            size: data.length,
            type: "application/octet-stream",
          })
          if (granted.status === 503) {
            await sleep(200)
            continue
          }
          expect(granted.status, JSON.stringify(granted.body)).toBe(201)
          const upload = granted.body.upload as { id: string; url: string; headers: Record<string, string> }
          expect((await putBytes(upload.url, data, upload.headers)).status).toBe(STORED)
          for (;;) {
            const completed = await call("POST", `/api/uploads/${upload.id}/complete`)
            if (completed.status === 503) {
              await sleep(200)
              continue
            }
            // 200 too: a completion can commit just before its connection dies and answer 503.
            expect([200, 201], JSON.stringify(completed.body)).toContain(completed.status)
            uploaded.set(fileOf(completed).id, sha256(data))
            completedCycles++
            break
          }
          await call("GET", "/api/files")
        }
      }
      let workerFailure: unknown
      const workers = [0, 1, 2].map((index) =>
        worker(index).catch((error: unknown) => {
          workerFailure ??= error
          throw error
        }),
      )
      const waitForCycles = async (count: number) => {
        const deadline = Date.now() + 120_000
        while (completedCycles < count) {
          if (workerFailure) throw workerFailure
          if (Date.now() > deadline) throw new Error(`only ${completedCycles} uploads completed`)
          await sleep(100)
        }
      }

      try {
        await waitForCycles(6)
        await postgres.stop()

        const down = await health(instance)
        expect(down.status).toBe(503)
        expect(down.body).toMatchObject({
          error: { code: "database_unavailable" },
          checks: { database: "unavailable", storage: "ok" },
        })
        for (const [method, route, body] of [
          ["GET", "/api/files", undefined],
          ["POST", "/api/uploads", { name: "while-down.bin", size: 10, type: "text/plain" }],
          ["GET", "/api/tokens", undefined],
        ] as const) {
          const reply = await api(instance, token, method, route, body)
          expect(reply.status, `${method} ${route}: ${JSON.stringify(reply.body)}`).toBe(503)
          expect(reply.body).toMatchObject({ error: { code: "database_unavailable" } })
          expect(reply.headers.get("retry-after")).toMatch(/^\d+$/)
        }
        const downSince = statuses.length
        await sleep(1500) // the workers keep knocking meanwhile
        expect(statuses.slice(downSince)).toContain(503)

        const before = completedCycles
        postgres = await startEmbeddedPostgres(postgresOptions)
        expect((await health(instance)).status).toBe(200)
        await waitForCycles(before + 6)
      } finally {
        stopping = true
        await Promise.allSettled(workers)
      }
      await Promise.all(workers) // a worker's failed expectation fails the test

      // Nothing but success and "try again": no 500, no 4xx, no request that never answered.
      expect(statuses.filter((status) => ![200, 201, 503].includes(status))).toEqual([])
      expect(statuses).toContain(503)
      await expectConsistent(postgres.databaseUrl)
      const files = await query<{ id: string }>(postgres.databaseUrl, `SELECT id FROM "File"`)
      expect(files.map((file) => file.id).sort()).toEqual([...uploaded.keys()].sort())
      for (const [fileId, digest] of uploaded) expect(sha256(await download(instance, token, fileId))).toBe(digest)
    })
  })

  describe("app killed during a multipart upload", () => {
    const { atEnd } = cleanupsOfThisBlock()
    let database: Awaited<ReturnType<typeof createFreshDatabase>>
    let first: AppInstance
    let second: AppInstance

    beforeAll(async () => {
      database = atEnd(await createFreshDatabase("faults_multipart"), (db) => db.drop())
      await applyMigrations(database.url)
      // Parts of 5 MiB, S3's smallest (every part but the last must be at least that).
      const env = {
        DATABASE_URL: database.url,
        REAPER_INTERVAL_SECONDS: "0",
        MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
        MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
      }
      const started = await Promise.allSettled([startAppInstance({ env }), startAppInstance({ env })])
      for (const result of started) if (result.status === "fulfilled") atEnd(result.value, (app) => app.stop())
      const [a, b] = started
      if (a?.status !== "fulfilled" || b?.status !== "fulfilled") throw new Error("an app instance did not start")
      first = a.value
      second = b.value
    })

    it("is resumed and completed by another instance, with the bytes intact", async () => {
      const { token } = await signUp(first)
      const data = new Uint8Array(randomBytes(12 * MIB + 12_345))
      const granted = await api(first, token, "POST", "/api/uploads", {
        name: "interrupted.bin",
        size: data.length,
        type: "application/octet-stream",
      })
      expect(granted.status, JSON.stringify(granted.body)).toBe(201)
      const upload = granted.body.upload as { id: string; multipart: boolean; partSize: number; partCount: number }
      expect(upload).toMatchObject({ multipart: true, partSize: 5 * MIB, partCount: 3 })
      const partBytes = (partNumber: number) =>
        data.subarray((partNumber - 1) * upload.partSize, partNumber * upload.partSize)
      const uploadParts = async (instance: AppInstance, partNumbers: number[]) => {
        const signed = await api(instance, token, "POST", `/api/uploads/${upload.id}/parts`, { partNumbers })
        expect(signed.status, JSON.stringify(signed.body)).toBe(200)
        const etags = new Map<number, string>()
        for (const part of signed.body.parts as { partNumber: number; url: string }[]) {
          const response = await putBytes(part.url, partBytes(part.partNumber))
          expect(response.status).toBe(STORED)
          etags.set(part.partNumber, partEtagOf(response, part.url) ?? "")
        }
        return etags
      }

      const sentBeforeCrash = await uploadParts(first, [1, 2])
      await first.kill()
      await expect(fetch(`${first.url}/api/health`)).rejects.toThrow()

      const listed = await api(second, token, "GET", `/api/uploads/${upload.id}/parts`)
      expect(listed.status, JSON.stringify(listed.body)).toBe(200)
      const stored = listed.body.parts as { partNumber: number; etag: string; size: number }[]
      expect(listed.body.listed).toBe(true)
      expect(stored.map((part) => [part.partNumber, part.size])).toEqual([
        [1, 5 * MIB],
        [2, 5 * MIB],
      ])
      const missing = Array.from({ length: upload.partCount }, (_, index) => index + 1).filter(
        (partNumber) => !stored.some((part) => part.partNumber === partNumber),
      )
      expect(missing).toEqual([3])
      const sentAfterCrash = await uploadParts(second, missing)

      const parts = [...sentBeforeCrash, ...sentAfterCrash].map(([partNumber, etag]) => ({ partNumber, etag }))
      const completed = await api(second, token, "POST", `/api/uploads/${upload.id}/complete`, { parts })
      expect(completed.status, JSON.stringify(completed.body)).toBe(201)
      expect(completed.body.file).toMatchObject({ name: "interrupted.bin", size: data.length })
      expect(sha256(await download(second, token, fileOf(completed).id))).toBe(sha256(data))
      await expectConsistent(database.url)
    })
  })
})
