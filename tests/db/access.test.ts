import { readdir } from "node:fs/promises"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { apiRequest, browserHeaders, useFreshDatabase } from "@/tests/support/app"

/**
 * Every exported method of every `app/api/**\/route.ts`, found on disk: a new route is covered
 * (or must be named below as public) without anyone remembering to add it.
 */
const API_DIR = path.resolve("app/api")
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const

/** Routes anyone may call: their own checks (CSRF tokens, link tokens, passwords) apply instead. */
const PUBLIC_ROUTES = new Set(["auth/[...nextauth]", "health", "register", "r/[token]/uploads", "r/[token]/uploads/[id]", "r/[token]/uploads/[id]/parts", "r/[token]/uploads/[id]/complete"])

async function routeFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? routeFolders(path.join(dir, entry.name)) : Promise.resolve(entry.name === "route.ts" ? [dir] : []))),
  )
  return nested.flat()
}

/** Every route under app/api, as its path below /api ("files/[id]/download"). */
const routeFiles = async () => (await routeFolders(API_DIR)).map((folder) => path.relative(API_DIR, folder)).sort()

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>
type Endpoint = { route: string; method: (typeof METHODS)[number]; handler: Handler }

/** Fills each [segment] with a value of the right shape that names nothing. */
const paramsFor = (route: string) =>
  Object.fromEntries([...route.matchAll(/\[(\w+)\]/g)].map(([, name]) => [name ?? "", name === "token" ? "A".repeat(43) : "no-such-id"]))

const urlFor = (route: string) => `/api/${route.replace(/\[(\w+)\]/g, (_, name: string) => paramsFor(route)[name] ?? "")}`

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let endpoints: Endpoint[]
let user: { id: string }

beforeAll(async () => {
  database = await useFreshDatabase()
  const routes = await routeFiles()
  endpoints = (
    await Promise.all(
      routes.map(async (route) => {
        const routeModule = (await import(/* @vite-ignore */ `@/app/api/${route}/route`)) as Partial<Record<string, Handler>>
        return METHODS.flatMap((method) => {
          const handler = routeModule[method]
          return handler ? [{ route, method, handler }] : []
        })
      }),
    )
  ).flat()
  const { registerUser } = await import("@/lib/accounts")
  await registerUser({ email: "admin@example.com", password: "perfectly-fine-1" }) // the first account: admin
  user = await registerUser({ email: "user@example.com", password: "perfectly-fine-2" })
})

afterAll(() => database.cleanUp())

const call = (endpoint: Endpoint, headers: Record<string, string> = {}) =>
  endpoint.handler(apiRequest(endpoint.method, urlFor(endpoint.route), { headers, ...(endpoint.method === "GET" || endpoint.method === "DELETE" ? {} : { body: {} }) }), {
    params: Promise.resolve(paramsFor(endpoint.route)),
  })

describe("access to every API route", () => {
  it("finds the routes on disk, and every public one still exists", () => {
    expect(endpoints.length).toBeGreaterThan(30)
    const routes = new Set(endpoints.map((endpoint) => endpoint.route))
    for (const route of PUBLIC_ROUTES) expect(routes, route).toContain(route)
  })

  it("answers 401 with a JSON error to anonymous callers on every route that is not public", async () => {
    const protectedEndpoints = endpoints.filter((endpoint) => !PUBLIC_ROUTES.has(endpoint.route))
    expect(protectedEndpoints.length).toBeGreaterThan(25)
    for (const endpoint of protectedEndpoints) {
      const response = await call(endpoint)
      const label = `${endpoint.method} /api/${endpoint.route}`
      expect(response.status, label).toBe(401)
      expect((await response.json()).error.code, label).toMatch(/^(unauthorized|invalid_token)$/)
    }
  })

  it("answers 403 to a signed-in user on every admin route", async () => {
    const adminEndpoints = endpoints.filter((endpoint) => endpoint.route.startsWith("admin/"))
    expect(adminEndpoints.length).toBeGreaterThan(8)
    for (const endpoint of adminEndpoints) {
      const response = await call(endpoint, await browserHeaders(user.id))
      expect(response.status, `${endpoint.method} /api/${endpoint.route}`).toBe(403)
    }
  })

  it("answers 404, never 403 or 500, to a signed-in user naming someone else's (or no) resource", async () => {
    const resourceEndpoints = endpoints.filter((endpoint) => !PUBLIC_ROUTES.has(endpoint.route) && !endpoint.route.startsWith("admin/") && endpoint.route.includes("[id]"))
    expect(resourceEndpoints.length).toBeGreaterThan(8)
    for (const endpoint of resourceEndpoints) {
      const response = await call(endpoint, await browserHeaders(user.id))
      // A body-less POST may fail validation first (400); what must never happen is a leak or a crash.
      expect([400, 404], `${endpoint.method} /api/${endpoint.route}`).toContain(response.status)
    }
  })
})
