import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { RouteAccess } from "@/lib/route"
import { apiRoutes, appRoutes, METHODS, type RouteHandler as Handler } from "@/tests/support/api-routes"
import { apiRequest, browserHeaders, useFreshDatabase } from "@/tests/support/app"

/**
 * Every exported method of every `app/api/**\/route.ts`, found on disk, and the access it declares
 * through `route()` (lib/route.ts): a new route is covered without anyone remembering to add it, and
 * a route that declares no access fails here.
 */
/** Route-segment config Next.js reads from a route module; anything else exported must be a method above. */
const ROUTE_CONFIG_EXPORTS = new Set([
  "dynamic",
  "runtime",
  "revalidate",
  "fetchCache",
  "preferredRegion",
  "maxDuration",
])
const ACCESS_LEVELS: readonly RouteAccess[] = ["public", "user", "admin", "link"]

type Endpoint = { route: string; method: (typeof METHODS)[number]; handler: Handler; access: RouteAccess | undefined }

/** Fills each [segment] with a value of the right shape that names nothing. */
const paramsFor = (route: string) =>
  Object.fromEntries(
    [...route.matchAll(/\[(\w+)\]/g)].map(([, name]) => [name ?? "", name === "token" ? "A".repeat(43) : "no-such-id"]),
  )

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let endpoints: Endpoint[]
/** Every method of every route.ts under app/ (the share download too) that declares no access, or an unknown one. */
let undeclared: string[]
let unexpectedExports: string[]
let user: { id: string }
/** Another (non-admin) user's upload, file, share, API token and upload request, by route prefix. */
let foreignIds: Record<string, string>

beforeAll(async () => {
  database = await useFreshDatabase()
  unexpectedExports = []
  undeclared = []
  for (const route of await appRoutes()) {
    const routeModule = (await import(/* @vite-ignore */ `@/app/${route}/route`)) as Partial<Record<string, Handler>>
    for (const method of METHODS) {
      const handler = routeModule[method]
      if (handler && !ACCESS_LEVELS.includes(handler.access as RouteAccess)) undeclared.push(`${method} /${route}`)
    }
  }
  const routes = await apiRoutes()
  endpoints = (
    await Promise.all(
      routes.map(async (route) => {
        const routeModule = (await import(/* @vite-ignore */ `@/app/api/${route}/route`)) as Partial<
          Record<string, Handler>
        >
        unexpectedExports.push(
          ...Object.keys(routeModule)
            .filter((name) => !(METHODS as readonly string[]).includes(name) && !ROUTE_CONFIG_EXPORTS.has(name))
            .map((name) => `${route}: ${name}`),
        )
        return METHODS.flatMap((method) => {
          const handler = routeModule[method]
          return handler ? [{ route, method, handler, access: handler.access }] : []
        })
      }),
    )
  ).flat()
  const { registerUser } = await import("@/lib/accounts")
  await registerUser({ email: "admin@example.com", password: "perfectly-fine-1" }) // the first account: admin
  user = await registerUser({ email: "user@example.com", password: "perfectly-fine-2" })
  foreignIds = await seedForeignResources(
    await registerUser({ email: "other@example.com", password: "perfectly-fine-3" }),
  )
})

/** One of each resource, owned by `owner`, written straight to the database (no storage needed: every call below must stop at the ownership check). */
async function seedForeignResources(owner: { id: string }): Promise<Record<string, string>> {
  const { getDb } = await import("@/lib/db")
  const db = getDb()
  const inAnHour = new Date(Date.now() + 3600_000)
  const upload = await db.upload.create({
    data: {
      ownerId: owner.id,
      objectKey: `u/${owner.id}/pending`,
      fileName: "pending.bin",
      contentType: "application/octet-stream",
      size: 10n,
      expiresAt: inAnHour,
    },
  })
  const completed = await db.upload.create({
    data: {
      ownerId: owner.id,
      objectKey: `u/${owner.id}/done`,
      fileName: "done.bin",
      contentType: "application/octet-stream",
      size: 10n,
      expiresAt: inAnHour,
      status: "COMPLETED",
      closedAt: new Date(),
    },
  })
  const file = await db.file.create({
    data: {
      ownerId: owner.id,
      uploadId: completed.id,
      objectKey: completed.objectKey,
      name: "done.bin",
      contentType: "application/octet-stream",
      size: 10n,
    },
  })
  const share = await db.share.create({
    data: { ownerId: owner.id, tokenHash: "f".repeat(64), files: { create: [{ fileId: file.id, position: 0 }] } },
  })
  const token = await db.apiToken.create({
    data: { userId: owner.id, name: "theirs", tokenHash: "e".repeat(64), prefix: "vlt_eeee" },
  })
  const uploadRequest = await db.uploadRequest.create({
    data: {
      ownerId: owner.id,
      title: "Theirs",
      tokenHash: "d".repeat(64),
      maxFiles: 1,
      maxFileSize: 10n,
      maxTotalSize: 10n,
    },
  })
  const webhook = await db.webhook.create({
    data: { ownerId: owner.id, url: "https://example.com/hook", events: ["share.created"], secretSealed: "x.y.z" },
  })
  return {
    uploads: upload.id,
    files: file.id,
    shares: share.id,
    tokens: token.id,
    "upload-requests": uploadRequest.id,
    webhooks: webhook.id,
  }
}

/** What a foreign resource looks like in the database: it must not change, whatever the calls below do. */
async function snapshotForeignResources() {
  const { getDb } = await import("@/lib/db")
  const db = getDb()
  return {
    upload: await db.upload.findUnique({ where: { id: foreignIds.uploads } }),
    file: await db.file.findUnique({ where: { id: foreignIds.files } }),
    share: await db.share.findUnique({ where: { id: foreignIds.shares } }),
    token: await db.apiToken.findUnique({ where: { id: foreignIds.tokens } }),
    uploadRequest: await db.uploadRequest.findUnique({ where: { id: foreignIds["upload-requests"] } }),
    webhook: await db.webhook.findUnique({ where: { id: foreignIds.webhooks }, include: { deliveries: true } }),
  }
}

afterAll(() => database.cleanUp())

const call = (endpoint: Endpoint, headers: Record<string, string> = {}, params = paramsFor(endpoint.route)) => {
  const url = `/api/${endpoint.route.replace(/\[(\w+)\]/g, (_, name: string) => params[name] ?? "")}`
  return endpoint.handler(
    apiRequest(endpoint.method, url, {
      headers,
      ...(endpoint.method === "GET" || endpoint.method === "DELETE" ? {} : { body: {} }),
    }),
    {
      params: Promise.resolve(params),
    },
  )
}

describe("access to every API route", () => {
  it("finds the routes on disk, and every one declares who may call it", async () => {
    expect(endpoints.length).toBeGreaterThan(30)
    // A route module exporting anything else (HEAD, OPTIONS, a helper) would escape this table.
    expect(unexpectedExports).toEqual([])
    expect(undeclared).toEqual([])
    expect((await appRoutes()).length).toBeGreaterThan((await apiRoutes()).length) // app/s/[token]/download too
    // The folders and the declarations agree: admin routes live under admin/, link routes carry their token.
    for (const endpoint of endpoints) {
      const label = `${endpoint.method} /api/${endpoint.route}`
      expect(endpoint.access === "admin", label).toBe(endpoint.route.startsWith("admin/"))
      if (endpoint.access === "link") expect(endpoint.route, label).toContain("[token]")
    }
    // Public is the exception: each one is named here, so a new one is a decision, not an accident.
    expect(
      endpoints
        .filter((endpoint) => endpoint.access === "public")
        .map((endpoint) => `${endpoint.method} ${endpoint.route}`)
        .sort(),
    ).toEqual([
      "GET auth/[...nextauth]",
      "GET health",
      "GET openapi.json",
      "POST auth/[...nextauth]",
      "POST confirm-email",
      "POST invites/accept",
      "POST password-reset",
      "POST password-reset/confirm",
      "POST register",
      "POST verify-email",
    ])
  })

  it("answers 401 with a JSON error to anonymous callers on every route declared user or admin", async () => {
    const protectedEndpoints = endpoints.filter((endpoint) => endpoint.access === "user" || endpoint.access === "admin")
    expect(protectedEndpoints.length).toBeGreaterThan(25)
    for (const endpoint of protectedEndpoints) {
      const response = await call(endpoint)
      const label = `${endpoint.method} /api/${endpoint.route}`
      expect(response.status, label).toBe(401)
      expect((await response.json()).error.code, label).toMatch(/^(unauthorized|invalid_token)$/)
    }
  })

  it("answers 404 to anonymous callers on every link route whose token names nothing", async () => {
    const linkEndpoints = endpoints.filter((endpoint) => endpoint.access === "link")
    expect(linkEndpoints.length).toBeGreaterThan(3)
    for (const endpoint of linkEndpoints) {
      const response = await call(endpoint)
      const label = `${endpoint.method} /api/${endpoint.route}`
      // A body-less POST may fail validation first (400); the link itself is checked on every request.
      expect([400, 404], label).toContain(response.status)
      expect((await response.json()).error.code, label).toMatch(/^(not_found|invalid_request)$/)
    }
  })

  it("answers 403 to a signed-in user on every admin route", async () => {
    const adminEndpoints = endpoints.filter((endpoint) => endpoint.access === "admin")
    expect(adminEndpoints.length).toBeGreaterThan(8)
    for (const endpoint of adminEndpoints) {
      const response = await call(endpoint, await browserHeaders(user.id))
      expect(response.status, `${endpoint.method} /api/${endpoint.route}`).toBe(403)
    }
  })

  it("answers 404, never 403 or 500, to a signed-in user naming someone else's (or no) resource", async () => {
    const resourceEndpoints = endpoints.filter(
      (endpoint) => endpoint.access === "user" && endpoint.route.includes("[id]"),
    )
    expect(resourceEndpoints.length).toBeGreaterThan(8)
    for (const endpoint of resourceEndpoints) {
      const response = await call(endpoint, await browserHeaders(user.id))
      // A body-less POST may fail validation first (400); what must never happen is a leak or a crash.
      expect([400, 404], `${endpoint.method} /api/${endpoint.route}`).toContain(response.status)
    }
  })

  it("answers 404 to a signed-in user on every route naming another user's real upload, file, share, token or upload request, and changes none of them", async () => {
    const before = await snapshotForeignResources()
    const resourceEndpoints = endpoints.filter(
      (endpoint) => endpoint.access === "user" && endpoint.route.includes("[id]"),
    )
    const covered = new Set<string>()
    for (const endpoint of resourceEndpoints) {
      const kind = endpoint.route.split("/")[0] ?? ""
      const id = foreignIds[kind]
      expect(id, `no foreign resource seeded for /api/${endpoint.route}`).toBeDefined()
      const response = await call(endpoint, await browserHeaders(user.id), { id: id ?? "" })
      const label = `${endpoint.method} /api/${endpoint.route} with another user's id`
      // A body-less POST may fail validation first (400); it must never reach the resource.
      expect([400, 404], label).toContain(response.status)
      expect((await response.json()).error.code, label).toMatch(/^(not_found|invalid_request)$/)
      covered.add(kind)
    }
    expect([...covered].sort()).toEqual(Object.keys(foreignIds).sort())
    expect(await snapshotForeignResources()).toEqual(before)
  })
})
