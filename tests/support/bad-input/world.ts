import { readFile } from "node:fs/promises"
import path from "node:path"
import { expect } from "vitest"
import { API_DIR, apiRoutes, METHODS, type Method, type RouteHandler as Handler } from "@/tests/support/api-routes"
import { APP_ORIGIN, apiRequest, browserHeaders } from "@/tests/support/app"
import { loadBodyCases } from "@/tests/support/bad-input/bodies"
import { type BodyCase, MAX_FILE_SIZE, MIB } from "@/tests/support/bad-input/values"
import { query } from "@/tests/support/database"
import { STORED } from "@/tests/support/storage-profile"
import { database, setUpWorld } from "@/tests/support/world"

/**
 * The world the bad-input tests (tests/integration/bad-input/) run in: every API route found on
 * disk, a database seeded with an admin and two users who own one of everything, a way to call
 * any route as whoever may call it, and what "nothing changed" means. Each test file calls
 * setUpBadInputWorld() once; the bindings below are filled in by its beforeAll.
 *
 * Every answer to bad input must be a 4xx with a JSON `{ error: { code, message } }` body — never
 * a 500 — and afterwards the database rows and the bucket's objects are exactly what they were.
 */
export { database, PROFILE } from "@/tests/support/world"
/** Property runs per property: enough to find what tables miss, bounded so the file stays quick. */
export const RUNS = 50
/** Quick alone (~30 s for the file); generous because the machine running it may be busy. */
export const SLOW_MACHINE_TIMEOUT = 240_000

/** Routes anyone may call with JSON: they check an Origin, a rate limit, or a mailed link's token. */
export const PUBLIC_JSON_ROUTES = new Set([
  "register",
  "password-reset",
  "password-reset/confirm",
  "verify-email",
  "confirm-email",
  "invites/accept",
])

/** Routes whose input is not Valet's JSON: next-auth's own form posts, and a health probe with none. */
const NOT_JSON_ROUTES = new Set(["auth/[...nextauth]", "health", "openapi.json"])

type BodyReader = "required" | "optional" | "none"
export type Endpoint = { route: string; method: Method; handler: Handler; reads: BodyReader; key: string }

/** Whether a handler reads a JSON body, read from its source: the exported function's own text. */
function bodyReaderOf(source: string, method: Method): BodyReader {
  // `export async function POST(` or, with lib/route.ts, `export const POST = route(`.
  const start = source.search(new RegExp(`export ((async )?function ${method}\\(|const ${method} = )`))
  if (start < 0) return "none"
  const next = source.slice(start + 1).search(/\nexport /)
  const text = next < 0 ? source.slice(start) : source.slice(start, start + 1 + next)
  if (text.includes("readOptionalJson(")) return "optional"
  return text.includes("readJson(") ? "required" : "none"
}

// ---------------------------------------------------------------- who calls, with which ids

export type Fixture = {
  userId: string
  fileId: string
  shareId: string
  tokenId: string
  uploadId: string
  uploadRequestId: string
  requestToken: string
  requestUploadId: string
  webhookId: string
}

export let storage: typeof import("@/lib/storage")
export let endpoints: Endpoint[]
export let admin: { id: string }
export let alice: Fixture
export let bob: Fixture
export const logged: string[] = []
let ipCounter = 0

/** A fresh client address per request, so per-IP rate limits never mask what is being tested. */
const nextIp = () => {
  ipCounter += 1
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`
}

/** The resource an `[id]` names, by the folder in front of it. */
const RESOURCE_OF: Record<string, keyof Fixture> = {
  uploads: "uploadId",
  files: "fileId",
  shares: "shareId",
  tokens: "tokenId",
  "upload-requests": "uploadRequestId",
  webhooks: "webhookId",
  users: "userId",
}

export function idFieldOf(route: string): keyof Fixture {
  if (route.startsWith("r/[token]/")) return "requestUploadId"
  const folder = route.split("/[id]")[0]?.split("/").at(-1) ?? ""
  const field = RESOURCE_OF[folder]
  if (!field) throw new Error(`tests/support/bad-input/world.ts: say in RESOURCE_OF which resource /api/${route} names`)
  return field
}

/** Path parameters naming `whose` resources (or the given override for one of them). */
export function paramsFor(
  route: string,
  whose: Fixture,
  override: Partial<Record<string, string>> = {},
): Record<string, string> {
  const params: Record<string, string> = {}
  for (const [, name] of route.matchAll(/\[(\w+)\]/g)) {
    if (!name) continue
    params[name] = override[name] ?? (name === "token" ? whose.requestToken : whose[idFieldOf(route)])
  }
  return params
}

export const hasParams = (route: string) => /\[\w+\]/.test(route)

/** Who may call the route at all: its admin, its link holder, anyone (register), or the owner. */
async function identityHeaders(route: string): Promise<Record<string, string>> {
  if (route.startsWith("admin/")) return sessionOf(admin.id)
  if (route.startsWith("r/")) return { "x-forwarded-for": nextIp() }
  if (PUBLIC_JSON_ROUTES.has(route)) return { origin: APP_ORIGIN, "x-forwarded-for": nextIp() }
  return sessionOf(alice.userId)
}

const sessions = new Map<string, Promise<Record<string, string>>>()
/** A session cookie per user, minted once: encrypting one per request would dominate the run time. */
function sessionOf(userId: string) {
  const cached = sessions.get(userId) ?? browserHeaders(userId)
  sessions.set(userId, cached)
  return cached
}

export type CallOptions = {
  params?: Record<string, string>
  body?: unknown
  rawBody?: BodyInit
  headers?: Record<string, string>
  search?: string
}

export async function call(endpoint: Endpoint, options: CallOptions = {}): Promise<Response> {
  const params = options.params ?? paramsFor(endpoint.route, alice)
  // The URL is only for show (handlers read params); an unpaired surrogate cannot be percent-encoded.
  const encode = (value: string) => (value.isWellFormed() ? encodeURIComponent(value) : "%EF%BF%BD")
  const pathname = `/api/${endpoint.route.replace(/\[(\w+)\]/g, (_, name: string) => encode(params[name] ?? ""))}`
  // Credentials given by the caller replace the route's usual ones (seeding acts as each owner).
  const hasCredentials =
    options.headers !== undefined && ("cookie" in options.headers || "authorization" in options.headers)
  const headers = { ...(hasCredentials ? {} : await identityHeaders(endpoint.route)), ...options.headers }
  const url = `${pathname}${options.search ?? ""}`
  let request: Request
  if (options.rawBody !== undefined && typeof options.rawBody !== "string") {
    const isStream = options.rawBody instanceof ReadableStream
    request = new Request(new URL(url, APP_ORIGIN), {
      method: endpoint.method,
      headers: { "content-type": "application/json", ...headers },
      body: options.rawBody,
      ...(isStream ? { duplex: "half" } : {}),
    } as RequestInit)
  } else {
    request = apiRequest(endpoint.method, url, {
      headers,
      body: options.body,
      rawBody: options.rawBody as string | undefined,
    })
  }
  return endpoint.handler(request, { params: Promise.resolve(params) })
}

export const endpoint = (key: string) => {
  const found = endpoints.find((candidate) => candidate.key === key)
  if (!found) throw new Error(`no endpoint ${key}`)
  return found
}

// ---------------------------------------------------------------- what "nothing changed" means

type Snapshot = { rows: Record<string, number>; digests: Record<string, string>; objects: number }

/**
 * Every table's row count and a digest of its content (so an update shows too), and the objects
 * under this file's users' prefixes (other test files share the bucket). RateLimit is left out on
 * purpose: a refused request still counts against its limit, by design.
 */
export async function snapshot(): Promise<Snapshot> {
  const tables = await query<{ name: string }>(
    database.url,
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('_prisma_migrations', 'RateLimit') ORDER BY 1`,
  )
  const rows: Record<string, number> = {}
  const digests: Record<string, string> = {}
  for (const { name } of tables) {
    const [row] = await query<{ count: string; digest: string }>(
      database.url,
      `SELECT count(*) AS count, md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest FROM "${name}" t`,
    )
    rows[name] = Number(row?.count)
    digests[name] = row?.digest ?? ""
  }
  let objects = 0
  for (const userId of [admin.id, alice.userId, bob.userId]) {
    for await (const page of storage.listObjects(`u/${userId}/`)) objects += page.length
  }
  return { rows, digests, objects }
}

/** Runs `work`, then checks that no row and no object appeared, vanished or changed. */
export async function expectNothingChanged(work: () => Promise<void>) {
  const before = await snapshot()
  expect(Object.keys(before.rows)).toEqual(
    expect.arrayContaining(["User", "Upload", "File", "Share", "ApiToken", "AuditEvent", "UploadRequest"]),
  )
  await work()
  expect(await snapshot()).toEqual(before)
}

/** A refusal as the API promises it: 4xx (one of `expected` if given), JSON `{ error: { code, message } }`. */
export async function expectRefused(response: Response, label: string, expected?: number | number[]) {
  const text = await response.text()
  const detail = `${label} → ${response.status} ${text.slice(0, 300)}`
  expect(response.status, detail).toBeGreaterThanOrEqual(400)
  expect(response.status, detail).toBeLessThan(500)
  if (expected !== undefined) expect([expected].flat(), detail).toContain(response.status)
  expect(response.headers.get("content-type"), detail).toMatch(/^application\/json/)
  const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }
  expect(body.error?.code, detail).toEqual(expect.stringMatching(/^[a-z_]+$/))
  expect(body.error?.message, detail).toEqual(expect.any(String))
  expect(String(body.error?.message).length, detail).toBeGreaterThan(0)
  return body.error as { code: string; message: string }
}

// ---------------------------------------------------------------- setup

export async function ok<T>(response: Response, status: number): Promise<T> {
  const text = await response.text()
  expect(response.status, text).toBe(status)
  return JSON.parse(text) as T
}

/** A user with one of everything: a stored file, a link to it, a token, an upload request, uploads in flight. */
export async function seed(email: string): Promise<Fixture> {
  const { registerUser } = await import("@/lib/accounts")
  const user = await registerUser({ email, password: "perfectly-fine-1" })
  const headers = await browserHeaders(user.id)
  const as = (key: string, options: CallOptions) =>
    call(endpoint(key), { ...options, headers: { ...headers, ...options.headers } })

  const small = (
    await ok<{ upload: { id: string; url: string; headers: Record<string, string> } }>(
      await as("POST uploads", { body: { name: "seed.txt", size: 5, type: "text/plain" } }),
      201,
    )
  ).upload
  const put = await fetch(small.url, { method: "PUT", body: "hello", headers: small.headers })
  expect(put.status).toBe(STORED)
  const { file } = await ok<{ file: { id: string } }>(
    await as("POST uploads/[id]/complete", { params: { id: small.id } }),
    201,
  )
  const { share } = await ok<{ share: { id: string } }>(
    await as("POST files/[id]/shares", { params: { id: file.id }, body: {} }),
    201,
  )
  const { token } = await ok<{ token: { id: string } }>(await as("POST tokens", { body: { name: "seed" } }), 201)
  const { uploadRequest } = await ok<{ uploadRequest: { id: string; url: string } }>(
    await as("POST upload-requests", { body: { title: "seed" } }),
    201,
  )
  const requestToken = new URL(uploadRequest.url).pathname.split("/")[2] ?? ""
  // Multipart uploads in flight: no object exists until they complete.
  const pending = (
    await ok<{ upload: { id: string } }>(await as("POST uploads", { body: { name: "big.bin", size: 6 * MIB } }), 201)
  ).upload
  const sent = (
    await ok<{ upload: { id: string } }>(
      await call(endpoint("POST r/[token]/uploads"), {
        params: { token: requestToken },
        body: { name: "sent.bin", size: 6 * MIB },
      }),
      201,
    )
  ).upload
  const { webhook } = await ok<{ webhook: { id: string } }>(
    await as("POST webhooks", { body: { url: "https://example.com/hook", events: ["share.created"] } }),
    201,
  )
  return {
    userId: user.id,
    fileId: file.id,
    shareId: share.id,
    tokenId: token.id,
    uploadId: pending.id,
    uploadRequestId: uploadRequest.id,
    requestToken,
    requestUploadId: sent.id,
    webhookId: webhook.id,
  }
}

export let BODY_CASES: Record<string, BodyCase>

/** Seeds the world for this test file (a fresh database) and gives everything back after it. */
export function setUpBadInputWorld() {
  setUpWorld({
    env: {
      MAX_FILE_SIZE_BYTES: String(MAX_FILE_SIZE),
      USER_QUOTA_BYTES: String(1024 * MIB),
      MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
      MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
    },
    logs: logged,
    users: { admin: "admin@example.com" }, // the first account: admin
    async ready(users) {
      admin = users.admin
      storage = await import("@/lib/storage")
      const routes = await apiRoutes()
      endpoints = (
        await Promise.all(
          routes
            .filter((route) => !NOT_JSON_ROUTES.has(route))
            .map(async (route) => {
              const source = await readFile(path.join(API_DIR, route, "route.ts"), "utf8")
              const routeModule = (await import(/* @vite-ignore */ `@/app/api/${route}/route`)) as Partial<
                Record<string, Handler>
              >
              return METHODS.flatMap((method) => {
                const handler = routeModule[method]
                return handler
                  ? [{ route, method, handler, reads: bodyReaderOf(source, method), key: `${method} ${route}` }]
                  : []
              })
            }),
        )
      ).flat()
      BODY_CASES = await loadBodyCases()
      alice = await seed("alice@example.com")
      bob = await seed("bob@example.com")
    },
    // The multipart uploads in flight hold parts in storage; give them back.
    async cleanUp() {
      for (const fixture of [alice, bob].filter(Boolean)) {
        await call(endpoint("DELETE uploads/[id]"), {
          params: { id: fixture.uploadId },
          headers: await browserHeaders(fixture.userId),
        }).catch(() => undefined)
        await call(endpoint("DELETE r/[token]/uploads/[id]"), {
          params: { token: fixture.requestToken, id: fixture.requestUploadId },
        }).catch(() => undefined)
      }
    },
    timeout: 120_000,
  })
}

export const bodyEndpoints = () => endpoints.filter((candidate) => candidate.reads !== "none")
