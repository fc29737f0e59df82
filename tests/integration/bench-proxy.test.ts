import { createHash, randomBytes } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { apiRequest, browserHeaders, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"

/**
 * The benchmark's proxy baseline (lib/bench-proxy.ts): off, it is not there; on, it carries bytes
 * through the app into each real S3 server and back, for the owner only, and a body that is not
 * the announced length leaves nothing behind.
 */
const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const MIB = 1024 * 1024

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let upload: Handler
let download: Handler
let alice: { id: string }
let bob: { id: string }

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex")

async function proxyUpload(userId: string, body: Uint8Array<ArrayBuffer>, declaredLength = body.length) {
  const request = new Request(new URL("/api/bench/proxy/uploads?name=proxied.bin&type=application/octet-stream", "http://localhost:3000"), {
    method: "PUT",
    headers: { ...(await browserHeaders(userId)), "content-length": String(declaredLength) },
    body,
  })
  return upload(request, { params: Promise.resolve({}) })
}

const proxyDownload = async (userId: string, id: string) =>
  download(apiRequest("GET", `/api/bench/proxy/files/${encodeURIComponent(id)}`, { headers: await browserHeaders(userId) }), {
    params: Promise.resolve({ id }),
  })

const countRows = async () =>
  (await query<{ uploads: number; files: number }>(database.url, `SELECT (SELECT count(*)::int FROM "Upload" WHERE status = 'PENDING' OR status = 'COMPLETED') AS uploads, (SELECT count(*)::int FROM "File") AS files`))[0]

describe(`bench proxy baseline on ${PROFILE} storage`, () => {
  beforeAll(async () => {
    database = await useFreshDatabase({ BENCH_PROXY_ENABLED: "true" })
    upload = (await import("@/app/api/bench/proxy/uploads/route")).PUT as Handler
    download = (await import("@/app/api/bench/proxy/files/[id]/route")).GET as Handler
    const { registerUser } = await import("@/lib/accounts")
    alice = await registerUser({ email: "alice@example.com", password: "perfectly-fine-1" })
    bob = await registerUser({ email: "bob@example.com", password: "perfectly-fine-2" })
  })

  afterAll(() => database.cleanUp())

  it("carries a multipart-sized body through the app into storage and back, byte for byte, for its owner only", async () => {
    const body = new Uint8Array(randomBytes(9 * MIB))
    const response = await proxyUpload(alice.id, body)
    expect(response.status).toBe(201)
    const { file } = (await response.json()) as { file: { id: string; size: number } }
    expect(file.size).toBe(body.length)

    const back = await proxyDownload(alice.id, file.id)
    expect(back.status).toBe(200)
    expect(sha256(new Uint8Array(await back.arrayBuffer()))).toBe(sha256(body))

    for (const [userId, id] of [
      [bob.id, file.id],
      [alice.id, "no\u0000such-id"],
    ] as const) {
      const refused = await proxyDownload(userId, id)
      expect(refused.status).toBe(404)
      expect((await refused.json()).error.code).toBe("not_found")
    }
  })

  it("discards a body shorter than its Content-Length (422) and leaves no row open and no object", async () => {
    const before = await countRows()
    const { listObjects } = await import("@/lib/storage")
    const objectsUnder = async () => {
      let count = 0
      for await (const page of listObjects(`u/${alice.id}/`)) count += page.length
      return count
    }
    const objectsBefore = await objectsUnder()
    const response = await proxyUpload(alice.id, new Uint8Array(randomBytes(1000)), 2000)
    expect([400, 422]).toContain(response.status)
    expect((await response.json()).error.code).toMatch(/^(upload_mismatch|invalid_json)$/)
    expect(await countRows()).toEqual(before)
    expect(await objectsUnder()).toBe(objectsBefore)
  })

  it("is not there unless the benchmark turns it on", async () => {
    // lib/env reads the environment once per module instance: start a new one with the flag off
    // (closing the old instance's pool; afterAll closes the new one's).
    await (await import("@/lib/db")).getDb().$disconnect()
    vi.stubEnv("BENCH_PROXY_ENABLED", "false")
    vi.resetModules()
    try {
      const off = (await import("@/app/api/bench/proxy/uploads/route")).PUT as Handler
      const request = new Request(new URL("/api/bench/proxy/uploads?name=x.bin", "http://localhost:3000"), {
        method: "PUT",
        headers: { ...(await browserHeaders(alice.id)), "content-length": "3" },
        body: new Uint8Array([1, 2, 3]),
      })
      const response = await off(request, { params: Promise.resolve({}) })
      expect(response.status).toBe(404)
    } finally {
      vi.stubEnv("BENCH_PROXY_ENABLED", "true")
    }
  })
})
