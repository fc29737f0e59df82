/**
 * Load without loss: 300 small uploads and 50 multipart uploads at once through two app instances
 * behind a client-side "load balancer" (requests alternate, and go to the other instance when one
 * does not answer), one instance SIGKILLed midway and restarted on its port. Then abandoned
 * uploads expire, both instances' reapers close them (each exactly once), and reconcile finds
 * nothing out of place: no object without a row, no row without an object, every file's bytes
 * what its client sent, and every client that got a completion holds exactly one file.
 */
import { execFile } from "node:child_process"
import { writeFileSync } from "node:fs"
import { createHash, randomBytes, randomInt } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startAppInstance, type AppInstance } from "@/tests/support/app-instance"
import { useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"

const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const MIB = 1024 * 1024
const SMALL_UPLOADS = 300
const MULTIPART_UPLOADS = 50
const ABANDONED_SINGLE = 10
const ABANDONED_MULTIPART = 4
// Grants are limited per user (UPLOAD_GRANT_LIMIT, 300 per 10 minutes, not configurable): the
// clients are spread over several accounts instead of weakening the production limit.
const USERS = 10
// Multipart uploads hold their bytes in memory while they run; a few at a time keeps that bounded.
const MULTIPART_CONCURRENCY = 8
const BUCKET = `valet-load-${randomBytes(4).toString("hex")}`
const INSTANCE_ENV = {
  S3_BUCKET: BUCKET,
  MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
  MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
  // Long enough that no upload of the test expires while it runs; abandoned ones are aged in SQL.
  MULTIPART_UPLOAD_WINDOW_SECONDS: "3600",
  REAPER_INTERVAL_SECONDS: "1",
}

const sha256Of = (data: Uint8Array) => createHash("sha256").update(data).digest("base64")
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Answer = { status: number; headers: Headers; body: string }

/**
 * Round robin over the instances; a request that gets no (complete) answer is sent to the next
 * one, as a load balancer or a retrying client would.
 */
class Balancer {
  private turn = 0
  readonly failovers: string[] = []
  constructor(private readonly backends: string[]) {}

  async fetch(path: string, init: RequestInit): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      const backend = this.backends[this.turn++ % this.backends.length] ?? ""
      try {
        const response = await fetch(`${backend}${path}`, { ...init, redirect: "manual" })
        // Read here: an instance killed mid-answer breaks the body, not the status line.
        const answer = { status: response.status, headers: response.headers, body: await response.text() }
        // 503: the instance is up but a dependency is not (yet); clients retry those too.
        if (answer.status !== 503 || attempt >= 20) return answer
        this.failovers.push(`${path}: 503 from ${backend}`)
      } catch (error) {
        if (attempt >= 20) throw error
        this.failovers.push(`${path}: ${error instanceof Error ? error.message : String(error)} from ${backend}`)
      }
      await sleep(Math.min(50 * attempt, 500))
    }
  }
}

type Client = { name: string; token: string; data: Uint8Array<ArrayBuffer>; sha256: string }
type Completed = { name: string; uploadId: string; fileId: string; size: number; sha256: string }

function jsonOf(answer: Answer, expected: number[], step: string) {
  if (!expected.includes(answer.status)) throw new Error(`${step}: HTTP ${answer.status} ${answer.body}`)
  return answer.body ? JSON.parse(answer.body) : {}
}

async function putBytes(
  url: string,
  body: Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = {},
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(url, { method: "PUT", body, headers })
      await response.arrayBuffer()
      if (response.status !== 200) throw new Error(`storage answered ${response.status}`)
      return response.headers.get("etag") ?? ""
    } catch (error) {
      if (attempt >= 3) throw error
    }
  }
}

describe(`load without loss on ${PROFILE} storage`, () => {
  let database: Awaited<ReturnType<typeof useFreshDatabase>>
  const instances: AppInstance[] = []
  const tokens: string[] = []

  beforeAll(async () => {
    database = await useFreshDatabase(INSTANCE_ENV)
    const { ensureBucket } = await import("@/lib/storage")
    // Clients here are not browsers: the CORS rule only has to be valid.
    await ensureBucket({ corsOrigins: ["http://localhost"] })
    const { getDb } = await import("@/lib/db")
    const { createApiToken } = await import("@/lib/api-tokens")
    for (let index = 0; index < USERS; index++) {
      const user = await getDb().user.create({
        data: { email: `load-${index}@example.com` },
        select: { id: true, email: true, name: true, role: true },
      })
      tokens.push((await createApiToken(user, { name: "load test" })).secret)
    }
    const env = { ...INSTANCE_ENV, DATABASE_URL: database.url }
    instances.push(...(await Promise.all([startAppInstance({ env }), startAppInstance({ env })])))
  })

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()))
    await database?.cleanUp()
  })

  it("loses nothing when one of two instances is killed midway, and reaper and reconcile leave a clean bucket", async () => {
    const [first, second] = instances
    if (!first || !second) throw new Error("instances did not start")
    const balancer = new Balancer([first.url, second.url])
    const env = { ...INSTANCE_ENV, DATABASE_URL: database.url }
    const auth = (client: Client) => ({ authorization: `Bearer ${client.token}`, "content-type": "application/json" })
    const api = async (client: Client, method: string, path: string, body: unknown, expected: number[]) =>
      jsonOf(
        await balancer.fetch(path, { method, headers: auth(client), body: JSON.stringify(body) }),
        expected,
        `${method} ${path}`,
      )
    const grant = (client: Client) =>
      api(
        client,
        "POST",
        "/api/uploads",
        { name: client.name, size: client.data.length, type: "application/octet-stream", sha256: client.sha256 },
        [201],
      )
    const completed: Completed[] = []
    const total = SMALL_UPLOADS + MULTIPART_UPLOADS

    const newClient = (name: string, size: number, index: number): Client => {
      const data = new Uint8Array(randomBytes(size))
      return { name, token: tokens[index % USERS] ?? "", data, sha256: sha256Of(data) }
    }

    async function complete(client: Client, uploadId: string, body: unknown) {
      const { file } = await api(client, "POST", `/api/uploads/${uploadId}/complete`, body, [200, 201])
      completed.push({ name: client.name, uploadId, fileId: file.id, size: client.data.length, sha256: client.sha256 })
    }

    async function smallUpload(index: number, options: { abandon?: boolean } = {}) {
      const client = newClient(
        `${options.abandon ? "abandoned" : "small"}-${index}.bin`,
        randomInt(1, 64 * 1024),
        index,
      )
      const { upload } = await grant(client)
      await putBytes(upload.url, client.data, upload.headers)
      if (!options.abandon) await complete(client, upload.id, {})
    }

    async function multipartUpload(index: number, options: { abandon?: boolean } = {}) {
      const client = newClient(
        `${options.abandon ? "abandoned-big" : "big"}-${index}.bin`,
        6 * MIB + randomInt(0, 5 * MIB),
        index,
      )
      const { upload } = await grant(client)
      const partNumbers = Array.from({ length: upload.partCount }, (_, part) => part + 1).slice(
        0,
        options.abandon ? 1 : undefined,
      )
      const { parts } = await api(client, "POST", `/api/uploads/${upload.id}/parts`, { partNumbers }, [200])
      const etags = await Promise.all(
        parts.map(async (part: { partNumber: number; size: number; url: string }) => {
          const offset = (part.partNumber - 1) * upload.partSize
          return {
            partNumber: part.partNumber,
            etag: await putBytes(part.url, client.data.slice(offset, offset + part.size)),
          }
        }),
      )
      if (!options.abandon) await complete(client, upload.id, { parts: etags })
    }

    const multipartQueue = Array.from({ length: MULTIPART_UPLOADS + ABANDONED_MULTIPART }, (_, index) => index)
    const multipartWorker = async () => {
      for (let index = multipartQueue.shift(); index !== undefined; index = multipartQueue.shift()) {
        await multipartUpload(index, { abandon: index >= MULTIPART_UPLOADS })
      }
    }

    // The crash: once a third of the uploads are complete, SIGKILL the first instance while the
    // rest are in flight, and bring it back on the same port (as a supervisor would).
    let restarted: AppInstance | undefined
    let completedAtKill = -1
    const chaos = (async () => {
      while (completed.length < total / 3) await sleep(50)
      completedAtKill = completed.length
      await first.kill()
      await sleep(1000)
      restarted = await startAppInstance({ env, port: first.port, timeoutMs: 120_000 })
      instances.push(restarted)
    })()

    const results = await Promise.allSettled([
      ...Array.from({ length: SMALL_UPLOADS }, (_, index) => smallUpload(index)),
      ...Array.from({ length: ABANDONED_SINGLE }, (_, index) => smallUpload(index, { abandon: true })),
      ...Array.from({ length: MULTIPART_CONCURRENCY }, multipartWorker),
    ])
    await chaos
    const failures = results.flatMap((result) => (result.status === "rejected" ? [String(result.reason)] : []))
    if (failures.length > 0) {
      for (const [index, instance] of instances.entries())
        writeFileSync(`/tmp/load-instance-${index}.log`, instance.logs())
    }
    expect(failures).toEqual([])
    expect(completedAtKill).toBeGreaterThan(0)
    expect(completedAtKill).toBeLessThan(total)
    // The instance was really gone for a while, and the restarted one served again.
    expect(balancer.failovers.length).toBeGreaterThan(0)
    if (!restarted) throw new Error("the killed instance was not restarted")
    expect(await fetch(`${restarted.url}/api/health`).then((response) => response.status)).toBe(200)

    // Every client that got a completion has exactly one file: its bytes' digest, its size.
    expect(completed).toHaveLength(total)
    const files = await query<{ id: string; uploadId: string; name: string; size: string; sha256: string }>(
      database.url,
      `SELECT id, "uploadId", name, size::text, sha256 FROM "File"`,
    )
    expect(files).toHaveLength(total)
    const filesByName = new Map(files.map((file) => [file.name, file]))
    expect(filesByName.size).toBe(total)
    for (const client of completed) {
      expect(filesByName.get(client.name)).toEqual({
        id: client.fileId,
        uploadId: client.uploadId,
        name: client.name,
        size: String(client.size),
        sha256: client.sha256,
      })
    }

    // Each completion recorded its object's ETag, so reconcile can tell a replaced object.
    expect(await query(database.url, `SELECT id FROM "File" WHERE etag IS NULL`)).toEqual([])

    const { reconcile } = await import("@/lib/reconcile")
    const { headObject, listParts } = await import("@/lib/storage")
    // Abandoned uploads inside their window are in flight, not orphans.
    const beforeExpiry = await reconcile()
    expect(beforeExpiry.problems).toEqual([])
    expect(beforeExpiry.inFlight).toBeGreaterThanOrEqual(ABANDONED_SINGLE)

    // Time passes for everything not completed (abandoned, and grants whose answer a crash lost):
    // both instances' reapers close them, and each upload is closed by exactly one of them.
    const pending = await query<{ id: string; objectKey: string; multipartUploadId: string | null }>(
      database.url,
      `UPDATE "Upload" SET "expiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 minute' WHERE status = 'PENDING'
       RETURNING id, "objectKey", "multipartUploadId"`,
    )
    expect(pending.length).toBeGreaterThanOrEqual(ABANDONED_SINGLE + ABANDONED_MULTIPART)
    const stillPending = async () =>
      Number(
        (await query<{ n: string }>(database.url, `SELECT count(*) AS n FROM "Upload" WHERE status = 'PENDING'`))[0]?.n,
      )
    await expect.poll(stillPending, { timeout: 60_000, interval: 250 }).toBe(0)
    // Each instance logs how many uploads its pass closed: a double-processed upload would count twice.
    const closedBy = (instance: AppInstance) =>
      [...instance.logs().matchAll(/\[reaper\] closed (\d+) expired upload/g)].reduce(
        (sum, match) => sum + Number(match[1]),
        0,
      )
    const closedInTotal = () => instances.map(closedBy).reduce((sum, count) => sum + count, 0)
    await expect.poll(closedInTotal, { timeout: 10_000, interval: 100 }).toBe(pending.length)
    await sleep(2500) // a few more reaper ticks on both instances: nothing more to close
    expect(closedInTotal()).toBe(pending.length)
    const reapedByInstances = instances.map(closedBy)
    const statuses = await query<{ status: string; n: string }>(
      database.url,
      `SELECT status, count(*) AS n FROM "Upload" WHERE id = ANY($1) GROUP BY status`,
      [pending.map((upload) => upload.id)],
    )
    expect(statuses).toEqual([{ status: "EXPIRED", n: String(pending.length) }])
    for (const upload of pending) {
      expect(await headObject(upload.objectKey)).toBeNull()
      if (upload.multipartUploadId)
        expect(await listParts({ key: upload.objectKey, uploadId: upload.multipartUploadId })).toBeNull()
    }

    // The operator's check, as the command runs it: clean, every file's bytes hashed and intact.
    const cli = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ["--import", "tsx", "scripts/reconcile.ts", "--json", "--verify-hashes"],
        { env: process.env, maxBuffer: 16 * MIB },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 2) : 0, stdout, stderr }),
      ),
    )
    expect(cli.code, cli.stdout + cli.stderr).toBe(0)
    expect(JSON.parse(cli.stdout)).toMatchObject({
      clean: true,
      objects: total,
      files: total,
      inFlight: 0,
      hashed: total,
      withoutDigest: 0,
      problems: [],
    })

    // And a few files read back through the app as their owners would, byte for byte.
    for (const client of completed.filter((_, index) => index % 35 === 0)) {
      const owner = { token: tokens[Number(client.name.match(/\d+/)?.[0]) % USERS] ?? "" }
      const redirect = await balancer.fetch(`/api/files/${client.fileId}/download`, {
        headers: { authorization: `Bearer ${owner.token}` },
      })
      expect(redirect.status).toBe(302)
      const body = new Uint8Array(await (await fetch(redirect.headers.get("location") ?? "")).arrayBuffer())
      expect(sha256Of(body)).toBe(client.sha256)
    }

    console.log(
      `[load ${PROFILE}] ${total} uploads completed (${completedAtKill} before the kill), ${balancer.failovers.length} failovers ` +
        `(${balancer.failovers.filter((failover) => failover.includes(": 503 from")).length} of them after a 503), ` +
        `${pending.length} abandoned uploads reaped (${reapedByInstances.join(" + ")} by the instances)`,
    )
  })
})
