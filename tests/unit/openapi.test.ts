import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import type { RouteAccess } from "@/lib/route"
import { ERROR_CODES } from "@/lib/shared/error-codes"
import { HTTP_METHODS } from "@/lib/shared/wire/common"
import { OPERATIONS, UNDOCUMENTED_ROUTES } from "@/lib/shared/wire/operations"
import { buildOpenApiDocument, type OpenApiDocument } from "@/lib/shared/wire/openapi"
import { appRoutes } from "@/tests/support/api-routes"

/**
 * The OpenAPI document against the routes on disk (every route.ts under app/, the share link
 * routes too): nothing missing, nothing invented, and each operation's access the one its
 * handler declares through route(). Then the document's own shape as OpenAPI 3.1.
 */
type RouteModule = Partial<Record<string, { access?: RouteAccess }>>

/** `api/files/[id]` → `/api/files/{id}`; a catch-all `[...nextauth]` → `{nextauth}`. */
const openApiPath = (folder: string) => `/${folder}`.replace(/\[(?:\.\.\.)?(\w+)\]/g, "{$1}")

let onDisk: { key: string; path: string; access: RouteAccess | undefined }[]
let document: OpenApiDocument

beforeAll(async () => {
  onDisk = []
  for (const folder of await appRoutes()) {
    const routeModule = (await import(/* @vite-ignore */ `@/app/${folder}/route`)) as RouteModule
    for (const method of HTTP_METHODS) {
      const handler = routeModule[method]
      if (handler)
        onDisk.push({ key: `${method} ${openApiPath(folder)}`, path: openApiPath(folder), access: handler.access })
    }
  }
  document = buildOpenApiDocument({ serverUrl: "http://localhost:3000", version: "0.0.0-test" })
}, 60_000)

describe("the OpenAPI document covers the routes on disk", () => {
  it("lists every method of every route, except the few left out with a reason", () => {
    const documented = new Set(OPERATIONS.map((operation) => `${operation.method} ${operation.path}`))
    const missing = onDisk.filter((route) => !documented.has(route.key) && !(route.path in UNDOCUMENTED_ROUTES))
    expect(missing.map((route) => route.key)).toEqual([])
    expect(onDisk.length).toBeGreaterThan(50)
  })

  it("lists nothing that does not exist, and nothing twice", () => {
    const existing = new Set(onDisk.map((route) => route.key))
    const keys = OPERATIONS.map((operation) => `${operation.method} ${operation.path}`)
    expect(keys.filter((key) => !existing.has(key))).toEqual([])
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([])
    for (const left of Object.keys(UNDOCUMENTED_ROUTES)) expect(onDisk.some((route) => route.path === left)).toBe(true)
  })

  it("gives each operation the access its handler declares", () => {
    const declared = new Map(onDisk.map((route) => [route.key, route.access]))
    const wrong = OPERATIONS.filter(
      (operation) => declared.get(`${operation.method} ${operation.path}`) !== operation.access,
    )
    expect(wrong.map((operation) => `${operation.method} ${operation.path} ${operation.access}`)).toEqual([])
  })

  it("shows bearer-token and session auth on every signed-in operation, and none on the others", () => {
    for (const operation of OPERATIONS) {
      const documented = document.paths[operation.path]?.[operation.method.toLowerCase()]
      const signedIn = operation.access === "user" || operation.access === "admin"
      expect(documented?.security, `${operation.method} ${operation.path}`).toEqual(
        signedIn ? [{ apiToken: [] }, { sessionCookie: [] }] : [],
      )
      expect(documented?.["x-access"]).toBe(operation.access)
    }
  })
})

/** Every `$ref` in the document, with where it sits. */
function refsIn(value: unknown, at = "#"): { ref: string; at: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => refsIn(item, `${at}/${index}`))
  if (typeof value !== "object" || value === null) return []
  return Object.entries(value).flatMap(([key, item]) =>
    key === "$ref" && typeof item === "string" ? [{ ref: item, at }] : refsIn(item, `${at}/${key}`),
  )
}

type Operation = {
  operationId: string
  parameters: { name: string; in: string; required?: boolean }[]
  responses: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>
}

describe("the document is OpenAPI 3.1", () => {
  it("has the required top-level fields and known security schemes", () => {
    expect(document.openapi).toBe("3.1.0")
    expect(document.info).toMatchObject({ title: expect.any(String), version: "0.0.0-test" })
    const components = document.components as { securitySchemes: Record<string, unknown> }
    expect(components.securitySchemes.apiToken).toMatchObject({ type: "http", scheme: "bearer" })
    expect(components.securitySchemes.sessionCookie).toMatchObject({ type: "apiKey", in: "cookie" })
  })

  it("resolves every $ref inside the document", () => {
    const schemas = (document.components as { schemas: Record<string, unknown> }).schemas
    const dangling = refsIn(document).filter(({ ref }) => {
      const name = ref.startsWith("#/components/schemas/") ? ref.slice("#/components/schemas/".length) : undefined
      return name === undefined || !(name in schemas)
    })
    expect(dangling).toEqual([])
  })

  it("declares each path template's parameters, gives every operation a unique id and every response a description", () => {
    const ids: string[] = []
    for (const [template, methods] of Object.entries(document.paths)) {
      const names = [...template.matchAll(/\{(\w+)\}/g)].map(([, name]) => name)
      for (const [method, raw] of Object.entries(methods)) {
        expect(HTTP_METHODS.map((name) => name.toLowerCase())).toContain(method)
        const operation = raw as unknown as Operation
        ids.push(operation.operationId)
        const inPath = operation.parameters.filter((parameter) => parameter.in === "path")
        expect(inPath.map((parameter) => parameter.name).sort(), `${method} ${template}`).toEqual([...names].sort())
        expect(inPath.every((parameter) => parameter.required === true)).toBe(true)
        expect(Object.keys(operation.responses).length).toBeGreaterThan(0)
        for (const [status, response] of Object.entries(operation.responses)) {
          expect(status).toMatch(/^[1-5]\d\d$/)
          expect(response.description, `${method} ${template} ${status}`).toBeTruthy()
        }
      }
    }
    expect(new Set(ids).size).toBe(ids.length)
  })

  it("holds every error code of the catalogue with its status", () => {
    const schemas = (document.components as { schemas: Record<string, { oneOf?: unknown[] }> }).schemas
    const codes = schemas.ErrorCode?.oneOf as { const: string; "x-status": number }[]
    expect(Object.fromEntries(codes.map((code) => [code.const, code["x-status"]]))).toEqual(
      Object.fromEntries(Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status])),
    )
    // And each code an operation can answer is listed under that status on the operation.
    for (const methods of Object.values(document.paths)) {
      for (const raw of Object.values(methods)) {
        for (const [status, response] of Object.entries((raw as unknown as Operation).responses)) {
          for (const [, code] of response.description?.matchAll(/`(\w+)`: /g) ?? []) {
            expect(ERROR_CODES[code as keyof typeof ERROR_CODES]?.status, code).toBe(Number(status))
          }
        }
      }
    }
  })

  // openapi-spec-validator (Python) checks the whole document against the OpenAPI 3.1 schema,
  // where this machine has it; the checks above run everywhere.
  const validator = spawnSync("python3", ["-c", "import openapi_spec_validator"], { stdio: "ignore" })
  it.skipIf(validator.status !== 0)(
    "passes openapi-spec-validator",
    () => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), "valet-openapi-")), "openapi.json")
      writeFileSync(file, JSON.stringify(document))
      const script =
        "import json,sys\nfrom openapi_spec_validator import validate\nvalidate(json.load(open(sys.argv[1])))"
      expect(() => execFileSync("python3", ["-c", script, file], { stdio: "pipe" })).not.toThrow()
    },
    120_000,
  )
})
