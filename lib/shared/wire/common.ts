import { z } from "zod"
import type { RouteAccess } from "@/lib/route"
import type { ErrorCode } from "@/lib/shared/error-codes"

/**
 * The building blocks of Valet's wire shapes: every JSON body a route answers with is a zod
 * schema in lib/shared/wire/, defined once. Two types come out of each schema:
 * - `Presented<S>`: what the server's presenter returns (timestamps as Date);
 * - `Wire<S>`: what the browser receives as JSON (timestamps as ISO 8601 strings).
 * The OpenAPI document (lib/shared/wire/openapi.ts) is generated from the same schemas, and the
 * integration suite checks real responses against them.
 */
export type Presented<S extends z.ZodType> = z.output<S>
export type Wire<S extends z.ZodType> = z.input<S>

/**
 * A timestamp the presenter holds as a Date: JSON.stringify writes it as an ISO 8601 string, so
 * the wire side is a date-time string and decoding gives the Date back.
 */
export const timestamp = z.codec(z.iso.datetime(), z.date(), {
  decode: (text) => new Date(text),
  encode: (date) => date.toISOString(),
})
/** A timestamp the presenter already writes as an ISO 8601 string (webhooks, recipients). */
export const isoTimestamp = z.iso.datetime()

/** Named schemas: each becomes a component of the OpenAPI document, referenced where it is used. */
export const wireRegistry = z.registry<{ id: string; description?: string }>()

/**
 * Names a response shape. Response objects are strict: a field the schema does not list fails the
 * contract test, so a presenter cannot leak a column the documentation does not show.
 */
export function named<S extends z.ZodType>(id: string, description: string, schema: S): S {
  if (NAMED_SCHEMAS.has(id)) throw new Error(`Two wire schemas are named ${id}`)
  wireRegistry.add(schema, { id, description })
  NAMED_SCHEMAS.set(id, { schema, description })
  return schema
}
export const NAMED_SCHEMAS = new Map<string, { schema: z.ZodType; description: string }>()

export const cursorSchema = z.string().nullable().describe("Pass as `cursor` for the next page; null on the last")
export const messageSchema = z.strictObject({ message: z.string() })

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const
export type HttpMethod = (typeof HTTP_METHODS)[number]

/** A body-less answer, described in words (a 204, or a 302 to a key). */
export type BodilessResponse = { description: string; headers?: Record<string, string> }
export type ResponseSpec = z.ZodType | BodilessResponse

/** One route and method as the OpenAPI document shows it. */
export type Operation = {
  method: HttpMethod
  /** OpenAPI form: `/api/files/{id}`. */
  path: string
  /** Must equal the route's declared `route(access, …)`: tests/unit/openapi-routes.test.ts checks. */
  access: RouteAccess
  summary: string
  tag: string
  query?: z.ZodObject
  body?: z.ZodType
  /** The route reads the body only if one is sent (readOptionalJson); form routes always do. */
  optionalBody?: boolean
  /** Also takes the share page's form (application/x-www-form-urlencoded) with the same fields. */
  form?: boolean
  /** Request headers the route reads, by name, with what they carry. */
  headers?: Record<string, string>
  /** Cookies the route reads (besides the session), by name. */
  cookies?: Record<string, string>
  responses: Record<number, ResponseSpec>
  /** Codes this route answers beyond those every route of its kind may (see openapi.ts `baseErrors`). */
  errors: ErrorCode[]
}

type Details = {
  query?: z.ZodObject
  body?: z.ZodType
  optionalBody?: boolean
  form?: boolean
  headers?: Record<string, string>
  cookies?: Record<string, string>
  errors?: ErrorCode[]
} & { [status: number]: ResponseSpec }

/**
 * Registers one route and method, next to the schemas it answers with:
 * `api("GET /api/files", "user", "The caller's files", { query: listFilesQuerySchema, 200: filePageSchema })`.
 */
export function api(
  route: `${HttpMethod} /${string}`,
  access: RouteAccess,
  summary: string,
  details: Details,
): Omit<Operation, "tag"> {
  const [method, path] = route.split(" ") as [HttpMethod, string]
  const { query, body, optionalBody, form, headers, cookies, errors = [], ...responses } = details
  return { method, path, access, summary, query, body, optionalBody, form, headers, cookies, responses, errors }
}

export const noContent = (description = "Done; no body."): BodilessResponse => ({ description })
export const redirect = (description: string): BodilessResponse => ({ description, headers: { Location: description } })

/** Tags a group of operations with the area the docs page and the spec file them under. */
export const area = (tag: string, operations: Omit<Operation, "tag">[]): Operation[] =>
  operations.map((operation) => ({ ...operation, tag }))
