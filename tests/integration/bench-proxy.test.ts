import { createHash, randomBytes } from "node:crypto"
import { existsSync } from "node:fs"
import { readdir } from "node:fs/promises"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { apiRequest, browserHeaders, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"

/**
 * The benchmark's proxy baseline (bench/proxy/): it is not in the product; served by its own
 * server, it carries bytes into each real S3 server and back, for the owner only, and a body that
 * is not the announced length leaves nothing behind.
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
  const request = new Request(
    new URL("/api/bench/proxy/uploads?name=proxied.bin&type=application/octet-stream", "http://localhost:3000"),
    {
      method: "PUT",
      headers: { ...(await browserHeaders(userId)), "content-length": String(declaredLength) },
      body,
    },
  )
  return upload(request, { params: Promise.resolve({}) })
}

const proxyDownload = async (userId: string, id: string) =>
  download(
    apiRequest("GET", `/api/bench/proxy/files/${encodeURIComponent(id)}`, { headers: await browserHeaders(userId) }),
    {
      params: Promise.resolve({ id }),
    },
  )

const countRows = async () =>
  (
    await query<{ uploads: number; files: number }>(
      database.url,
      `SELECT (SELECT count(*)::int FROM "Upload" WHERE status = 'PENDING' OR status = 'COMPLETED') AS uploads, (SELECT count(*)::int FROM "File") AS files`,
    )
  )[0]

describe(`bench proxy baseline on ${PROFILE} storage`, () => {
  beforeAll(async () => {
    database = await useFreshDatabase()
    const routes = await import("@/bench/proxy/routes")
    upload = routes.PUT as Handler
    download = routes.GET as Handler
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

  it("is not in the product: no route a production build compiles, no variable in the env schema", async () => {
    // Only the bench's empty floor handler lives under app/, as a `.bench.ts` file that the
    // production build's page extensions never pick up (next.config.mjs; scripts/check-build.ts).
    const benchFiles = existsSync("app/api/bench") ? await readdir("app/api/bench", { recursive: true }) : []
    const sources = benchFiles.filter((file) => /\.(ts|tsx|js|jsx)$/.test(file))
    expect(sources.filter((file) => !file.endsWith(".bench.ts"))).toEqual([])
    const { buildHasBenchRoute } = await import("@/scripts/check-build")
    // The suite's own production build (npm test builds before Vitest runs).
    if (existsSync(".next/app-path-routes-manifest.json")) expect(buildHasBenchRoute(".next")).toBe(false)
    const { serverEnvSchema } = await import("@/lib/env")
    expect(Object.keys(serverEnvSchema.shape).filter((name) => /BENCH/.test(name))).toEqual([])
  })

  it("is served over HTTP by its own server, which `npm run bench` starts", async () => {
    const { startProxyServer } = await import("@/bench/proxy/server")
    const server = await startProxyServer(0)
    try {
      const address = server.address()
      const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`
      const { createApiToken } = await import("@/lib/api-tokens")
      const { findActiveAccount } = await import("@/lib/accounts")
      const account = await findActiveAccount(alice.id)
      if (!account) throw new Error("alice is gone")
      const { secret } = await createApiToken(account, { name: "proxy" })
      const authorization = `Bearer ${secret}`
      const body = new Uint8Array(randomBytes(64 * 1024))
      const put = await fetch(`${base}/api/bench/proxy/uploads?name=served.bin&type=application/octet-stream`, {
        method: "PUT",
        headers: { authorization, "content-type": "application/octet-stream" },
        body,
      })
      expect(put.status, await put.clone().text()).toBe(201)
      expect(put.headers.get("cache-control")).toBe("no-store")
      const { file } = (await put.json()) as { file: { id: string } }
      const get = await fetch(`${base}/api/bench/proxy/files/${file.id}`, { headers: { authorization } })
      expect(get.status).toBe(200)
      expect(sha256(new Uint8Array(await get.arrayBuffer()))).toBe(sha256(body))
      expect((await fetch(`${base}/api/bench/proxy/files/${file.id}`)).status).toBe(401)
      expect((await fetch(`${base}/api/files`, { headers: { authorization } })).status).toBe(404)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
