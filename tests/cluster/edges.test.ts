/**
 * Issue 14 against the built app (`next start`, nothing in front, TRUSTED_PROXY_COUNT unset):
 * client addresses come from the socket, bodies are capped before they are read, and a flood of
 * password checks is bounded without stalling requests that need no hashing. These need a real
 * server: a socket, Next.js's own header handling, a body still arriving, a thread pool.
 */
import { randomBytes, randomUUID } from "node:crypto"
import { request as httpRequest } from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { applyMigrations } from "@/scripts/migrate"
import { sessionCookie } from "@/tests/support/app"
import { startAppInstance, type AppInstance } from "@/tests/support/app-instance"
import { createFreshDatabase, query } from "@/tests/support/database"

const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const MIB = 1024 * 1024

let database: Awaited<ReturnType<typeof createFreshDatabase>>
let app: AppInstance
let shareToken: string

async function json(response: Response) {
  const text = await response.text()
  try {
    return JSON.parse(text) as Record<string, unknown> & { error?: { code: string } }
  } catch {
    throw new Error(`not JSON (${response.status}): ${text.slice(0, 200)}`)
  }
}

/** A user with one uploaded file shared behind a password, through the app's real API. */
async function createPasswordShare(): Promise<string> {
  const registered = await fetch(`${app.url}/api/register`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url },
    body: JSON.stringify({ email: `edges-${randomUUID()}@example.com`, password: "a long edges password" }),
  })
  expect(registered.status).toBe(201)
  const { user } = (await registered.json()) as { user: { id: string } }
  const headers = { "content-type": "application/json", origin: app.url, cookie: await sessionCookie(user.id) }
  const data = randomBytes(64)
  const granted = await fetch(`${app.url}/api/uploads`, {
    method: "POST",
    headers,
    body: JSON.stringify({ name: "edges.bin", size: data.length, type: "application/octet-stream" }),
  })
  const grantedBody = await json(granted)
  expect(granted.status, JSON.stringify(grantedBody)).toBe(201)
  const upload = grantedBody.upload as { id: string; url: string; headers: Record<string, string> }
  expect((await fetch(upload.url, { method: "PUT", body: data, headers: upload.headers })).status).toBe(200)
  const completed = await fetch(`${app.url}/api/uploads/${upload.id}/complete`, { method: "POST", headers })
  const { file } = (await json(completed)) as { file: { id: string } }
  const shared = await fetch(`${app.url}/api/files/${file.id}/shares`, {
    method: "POST",
    headers,
    body: JSON.stringify({ password: "the share password" }),
  })
  const { share } = (await json(shared)) as { share: { url: string } }
  return new URL(share.url).pathname.split("/")[2] ?? ""
}

beforeAll(async () => {
  database = await createFreshDatabase("edges")
  await applyMigrations(database.url)
  app = await startAppInstance({ env: { DATABASE_URL: database.url, REAPER_INTERVAL_SECONDS: "3600" } })
  shareToken = await createPasswordShare()
})

afterAll(async () => {
  await app?.stop()
  await database?.drop()
})

describe(`client addresses on ${PROFILE} storage`, () => {
  it("come from the socket: 30 wrong share passwords, each with its own X-Forwarded-For, hit the 429", async () => {
    const statuses: number[] = []
    let limited: Response | undefined
    for (let attempt = 1; attempt <= 30; attempt++) {
      const response = await fetch(`${app.url}/s/${shareToken}/download`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-forwarded-for": `203.0.113.${attempt}`,
          "x-valet-peer-address": `198.51.100.${attempt}`,
        },
        body: JSON.stringify({ password: `wrong-${attempt}` }),
        redirect: "manual",
      })
      statuses.push(response.status)
      if (response.status === 429) limited ??= response
      else await response.body?.cancel()
    }
    // Per link and address: 10 guesses in 15 minutes. Neither header moved the address.
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401))
    expect(statuses.slice(10)).toEqual(Array(20).fill(429))
    expect(limited?.headers.get("retry-after")).toMatch(/^\d+$/)
    expect((await json(limited as Response)).error?.code).toBe("rate_limited")
    // The address counted is the socket's, stamped by the server (lib/peer-address.ts): not a
    // forged header, and not "unknown" (which would also have hit the limit, for everyone at once).
    const keys = await query<{ key: string }>(
      database.url,
      `SELECT key FROM "RateLimit" WHERE key LIKE 'share-password:%'`,
    )
    expect(keys.length).toBeGreaterThan(0)
    for (const { key } of keys) expect(key).toMatch(/:ip:(::ffff:)?127\.0\.0\.1$/)
  })
})

type HugePost = { status: number; sentWhenAnswered: number; total: number; answeredAfterMs: number }

/**
 * POSTs `total` bytes (declared in Content-Length, or chunked with none) and notes how many had
 * been handed to the socket when the answer came. The sender stops at the answer.
 */
function postHuge(url: string, options: { chunked: boolean; contentType: string; total?: number }): Promise<HugePost> {
  const total = options.total ?? 64 * MIB
  const started = Date.now()
  return new Promise((resolve, reject) => {
    let sent = 0
    let answer: HugePost | undefined
    const request = httpRequest(url, {
      method: "POST",
      headers: {
        "content-type": options.contentType,
        ...(options.chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(total) }),
      },
    })
    request.on("response", (response) => {
      answer = {
        status: response.statusCode ?? 0,
        sentWhenAnswered: sent,
        total,
        answeredAfterMs: Date.now() - started,
      }
      response.resume()
      response.on("end", () => {
        request.destroy()
        resolve(answer as HugePost)
      })
    })
    // The server may close the connection on a body it refused: that is an answer, not a failure.
    request.on("error", (error) => (answer ? resolve(answer) : reject(error)))
    const chunk = Buffer.from(`password=${"a".repeat(64 * 1024 - 9)}`)
    const pump = () => {
      while (!answer && !request.destroyed && sent < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent))
        sent += piece.length
        if (!request.write(piece)) return void request.once("drain", pump)
      }
      if (!answer && !request.destroyed && sent >= total) request.end()
    }
    pump()
  })
}

describe("bodies over the cap are refused before they are read", () => {
  const form = "application/x-www-form-urlencoded"
  it.each([
    ["a declared 64 MiB form to the share download route", "/s/{random}/download", false, form],
    ["a chunked 64 MiB form to the share download route", "/s/{random}/download", true, form],
    ["a declared 64 MiB JSON body to the share download route", "/s/{random}/download", false, "application/json"],
    ["a declared 64 MiB form to next-auth's credentials callback", "/api/auth/callback/credentials", false, form],
    ["a chunked 64 MiB form to next-auth's credentials callback", "/api/auth/callback/credentials", true, form],
  ])("%s: 413 before the body finished sending", async (_case, path, chunked, contentType) => {
    const url = `${app.url}${path.replace("{random}", randomBytes(16).toString("base64url"))}`
    const result = await postHuge(url, { chunked, contentType })
    console.log(
      `[edges] ${path} ${chunked ? "chunked" : "declared"}: ${result.status} after ${result.answeredAfterMs} ms, ${(result.sentWhenAnswered / MIB).toFixed(1)} MiB sent`,
    )
    expect(result.status).toBe(413)
    expect(result.sentWhenAnswered).toBeLessThan(result.total)
  })
})

describe("a flood of password checks", () => {
  it("refuses callers past the bound with 503 busy + Retry-After, and a request that needs no hashing stays fast", async () => {
    const health = async () => {
      const started = performance.now()
      const response = await fetch(`${app.url}/api/health`)
      await response.body?.cancel()
      expect(response.status).toBe(200)
      return performance.now() - started
    }
    const idle: number[] = []
    for (let index = 0; index < 5; index++) idle.push(await health())

    const csrf = await fetch(`${app.url}/api/auth/csrf`)
    const { csrfToken } = (await csrf.json()) as { csrfToken: string }
    const cookie = csrf.headers
      .getSetCookie()
      .map((entry) => entry.split(";")[0])
      .join("; ")
    // 40 sign-ins at once, each for another account (per-account limits stay out of it), from one
    // address: under its 50 a quarter hour.
    const signIn = (index: number) =>
      fetch(`${app.url}/api/auth/callback/credentials`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie },
        body: new URLSearchParams({
          csrfToken,
          email: `flood-${index}@example.com`,
          password: `guess-${index}`,
          json: "true",
        }),
        redirect: "manual",
      }).then(async (response) => ({
        status: response.status,
        retryAfter: response.headers.get("retry-after"),
        code: response.status === 503 ? (await json(response)).error?.code : (await response.body?.cancel(), undefined),
        finishedAt: performance.now(),
      }))
    const floodStarted = performance.now()
    const flood = Promise.all(Array.from({ length: 40 }, (_, index) => signIn(index)))
    // Let the flood reach the server, then ask for something cheap while it runs.
    await new Promise((resolve) => setTimeout(resolve, 50))
    const duringStarted = performance.now()
    const during = await health()
    const healthFinishedAt = duringStarted + during
    const results = await flood
    const floodFinishedAt = Math.max(...results.map((result) => result.finishedAt))

    const busy = results.filter((result) => result.status === 503)
    const checked = results.filter((result) => result.status === 401)
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0
    console.log(
      `[edges] flood of 40 sign-ins: ${checked.length} checked (401), ${busy.length} refused (503 busy), ` +
        `flood took ${(floodFinishedAt - floodStarted).toFixed(0)} ms; GET /api/health idle median ${median(idle).toFixed(1)} ms, ` +
        `during the flood ${during.toFixed(1)} ms`,
    )
    expect(busy.length + checked.length).toBe(40)
    expect(busy.length).toBeGreaterThan(0)
    for (const refusal of busy)
      expect(refusal).toMatchObject({ code: "busy", retryAfter: expect.stringMatching(/^\d+$/) })
    expect(checked.length).toBeGreaterThan(0)
    // The cheap request was answered while password checks were still running.
    expect(healthFinishedAt).toBeLessThan(floodFinishedAt)
  })
})
