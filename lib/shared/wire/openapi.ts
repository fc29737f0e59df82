import { z } from "zod"
import { ERROR_CODES, type ErrorCode } from "@/lib/shared/error-codes"
import { NAMED_SCHEMAS, wireRegistry, type Operation, type ResponseSpec } from "@/lib/shared/wire/common"
import { OPERATIONS } from "@/lib/shared/wire/operations"
import { errorBodySchema } from "@/lib/shared/wire/errors"
import { resourceIdSchema } from "@/lib/shared/validations/text"

/**
 * Builds Valet's OpenAPI 3.1 document from the zod schemas (lib/shared/wire/ for answers,
 * lib/shared/validations/ for requests) with zod's own JSON Schema output: nothing in it is
 * written by hand. The wire side of every schema is what is shown (`io: "input"`): the JSON a
 * client sends, and the JSON it receives (timestamps as ISO strings).
 */

type JsonObject = { [key: string]: unknown }

const COMPONENT = "#/components/schemas/"
const JSON_SCHEMA_OPTIONS = {
  io: "input",
  target: "draft-2020-12",
  // A Date only appears as a coerced query parameter (`from`, `to`): on the wire it is a string.
  unrepresentable: "any",
  override: ({ zodSchema, jsonSchema }) => {
    if (zodSchema._zod.def.type === "date") Object.assign(jsonSchema, { type: "string", format: "date-time" })
    // The format says it; zod's long regex for it would only bury the document.
    if (jsonSchema.format) delete jsonSchema.pattern
  },
} satisfies z.core.ToJSONSchemaParams

/** A schema as JSON Schema; named (registered) schemas become references to components. */
function toSchema(schema: z.ZodType): JsonObject {
  const id = wireRegistry.get(schema)?.id
  if (id) return { $ref: `${COMPONENT}${id}` }
  const json = z.toJSONSchema(schema, { ...JSON_SCHEMA_OPTIONS, metadata: wireRegistry }) as JsonObject
  for (const name of Object.keys(json.$defs ?? {})) {
    // Only registered schemas should be extracted; anything else would dangle as a component.
    if (!NAMED_SCHEMAS.has(name)) throw new Error(`An unnamed shared schema (${name}) cannot be referenced`)
  }
  return JSON.parse(JSON.stringify(without(json, "$schema", "$defs")).replaceAll('"#/$defs/', `"${COMPONENT}`))
}

/** A copy without the keys that belong to a standalone JSON Schema, not to a schema inside OpenAPI. */
const without = (object: JsonObject, ...keys: string[]): JsonObject =>
  Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)))

function componentSchemas(): Record<string, JsonObject> {
  const { schemas } = z.toJSONSchema(wireRegistry, {
    ...JSON_SCHEMA_OPTIONS,
    uri: (id) => `${COMPONENT}${id}`,
  }) as { schemas: Record<string, JsonObject> }
  const components: Record<string, JsonObject> = {}
  for (const [id, schema] of Object.entries(schemas)) {
    components[id] = { ...without(schema, "$schema", "$id"), description: NAMED_SCHEMAS.get(id)?.description }
  }
  // Each code with its status and meaning, straight from the catalogue.
  components.ErrorCode = {
    type: "string",
    description: "Every code Valet answers with; each has one HTTP status (lib/shared/error-codes.ts).",
    oneOf: Object.entries(ERROR_CODES).map(([code, { status, description }]) => ({
      const: code,
      description: `${status}: ${description}`,
      "x-status": status,
    })),
  }
  return components
}

/** Codes any operation of this kind may answer, whatever its own rules. */
export function baseErrors(operation: Operation): ErrorCode[] {
  const codes: ErrorCode[] = ["internal_error", "database_unavailable"]
  if (operation.body) codes.push("invalid_request", "invalid_json", "body_too_large")
  if (operation.body && operation.form) codes.push("invalid_form")
  if (operation.query) codes.push("invalid_request")
  if (operation.path.includes("{")) codes.push("not_found")
  if (operation.access === "user" || operation.access === "admin") {
    codes.push("unauthorized", "invalid_token", "session_revoked")
    if (operation.method !== "GET" && operation.method !== "HEAD") codes.push("cross_origin_request")
  }
  if (operation.access === "admin") codes.push("forbidden")
  return codes
}

/** Every code an operation may answer, its own and its kind's, each once, in catalogue order. */
export function errorCodesOf(operation: Operation): ErrorCode[] {
  const codes = new Set([...baseErrors(operation), ...operation.errors])
  return (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => codes.has(code))
}

const isSchema = (spec: ResponseSpec): spec is z.ZodType => spec instanceof z.ZodType

function responseObject(status: number, spec: ResponseSpec | undefined, codes: ErrorCode[]): JsonObject {
  const codeList = codes.map((code) => `\`${code}\`: ${ERROR_CODES[code].description}`).join("\n- ")
  const schema = spec && isSchema(spec) ? spec : codes.length > 0 ? errorBodySchema : undefined
  const said = spec && !isSchema(spec) ? spec.description : (spec?.description ?? (codes.length ? "" : "OK"))
  const description = [said, codes.length ? `- ${codeList}` : ""].filter(Boolean).join("\n\n") || `${status}`
  return {
    description,
    ...(spec && !isSchema(spec) && spec.headers
      ? {
          headers: Object.fromEntries(
            Object.entries(spec.headers).map(([name, text]) => [
              name,
              { description: text, schema: { type: "string" } },
            ]),
          ),
        }
      : {}),
    ...(schema ? { content: { "application/json": { schema: toSchema(schema) } } } : {}),
  }
}

const PATH_PARAMETER = /\{(\w+)\}/g

function parametersOf(operation: Operation): JsonObject[] {
  const parameters: JsonObject[] = [...operation.path.matchAll(PATH_PARAMETER)].map(([, name = ""]) => ({
    name,
    in: "path",
    required: true,
    description: name === "token" ? "The link's token, from its URL" : undefined,
    schema: name === "token" ? { type: "string" } : toSchema(resourceIdSchema),
  }))
  if (operation.query) {
    const { properties = {}, required = [] } = toSchema(operation.query) as {
      properties?: Record<string, JsonObject>
      required?: string[]
    }
    for (const [name, schema] of Object.entries(properties)) {
      parameters.push({ name, in: "query", required: required.includes(name), schema })
    }
  }
  for (const [name, description] of Object.entries(operation.cookies ?? {})) {
    parameters.push({ name, in: "cookie", required: false, description, schema: { type: "string" } })
  }
  for (const [name, description] of Object.entries(operation.headers ?? {})) {
    parameters.push({
      name,
      in: "header",
      required: false,
      description,
      schema: { type: "string" },
    })
  }
  return parameters.map((parameter) => JSON.parse(JSON.stringify(parameter)) as JsonObject)
}

function operationObject(operation: Operation): JsonObject {
  const responses: Record<string, JsonObject> = {}
  const codes = errorCodesOf(operation)
  const statuses = new Set([
    ...Object.keys(operation.responses).map(Number),
    ...codes.map((code) => ERROR_CODES[code].status),
  ])
  for (const status of [...statuses].sort((a, b) => a - b)) {
    responses[String(status)] = responseObject(
      status,
      operation.responses[status],
      codes.filter((code) => ERROR_CODES[code].status === status),
    )
  }
  const signedIn = operation.access === "user" || operation.access === "admin"
  const body = operation.body && toSchema(operation.body)
  return {
    tags: [operation.tag],
    summary: operation.summary,
    operationId: operationIdOf(operation),
    "x-access": operation.access,
    security: signedIn ? [{ apiToken: [] }, { sessionCookie: [] }] : [],
    ...(operation.access === "admin" ? { description: "Administrators only (403 `forbidden` for other users)." } : {}),
    parameters: parametersOf(operation),
    ...(body
      ? {
          requestBody: {
            required: !(operation.optionalBody || operation.form || operation.body!.safeParse(undefined).success),
            content: {
              "application/json": { schema: body },
              ...(operation.form ? { "application/x-www-form-urlencoded": { schema: body } } : {}),
            },
          },
        }
      : {}),
    responses,
  }
}

/** `GET /api/files/{id}/download` → `getApiFilesIdDownload`: stable, unique per method and path. */
export function operationIdOf(operation: Pick<Operation, "method" | "path">): string {
  const words = operation.path.split(/[^A-Za-z0-9]+/).filter(Boolean)
  return operation.method.toLowerCase() + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join("")
}

const TAG_DESCRIPTIONS: Record<string, string> = {
  Account: "Signing up, the account's settings, and the links mailed for passwords and addresses.",
  "API tokens": "Personal tokens for scripts: `Authorization: Bearer <token>`.",
  Uploads: "Grant → PUT to storage (the bytes never pass through Valet) → complete.",
  Files: "The caller's stored files.",
  Shares: "Links to files, managed by their owner.",
  "Share links (recipients)": "What a link's recipient calls, with the link's token in the path.",
  "Upload requests": "Write-only links others send files through.",
  "Upload requests (senders)": "What a sender without an account calls, with the request's token in the path.",
  Webhooks: "Signed event deliveries (`X-Valet-Signature: sha256=…`).",
  Admin: "The console's API, for administrators.",
  System: "Health and this document.",
}

export type OpenApiDocument = JsonObject & { paths: Record<string, Record<string, JsonObject>> }

const built = new Map<string, OpenApiDocument>()

/** The document for this deployment, built once per process (it changes only with a deploy). */
export function openApiDocument(options: { serverUrl: string; version: string }): OpenApiDocument {
  const key = `${options.serverUrl} ${options.version}`
  const document = built.get(key) ?? buildOpenApiDocument(options)
  built.set(key, document)
  return document
}

/** The whole document; `serverUrl` is the app's public origin. */
export function buildOpenApiDocument(options: { serverUrl: string; version: string }): OpenApiDocument {
  const paths: Record<string, Record<string, JsonObject>> = {}
  for (const operation of OPERATIONS) {
    paths[operation.path] ??= {}
    paths[operation.path]![operation.method.toLowerCase()] = operationObject(operation)
  }
  const catalogue = Object.entries(ERROR_CODES)
    .map(([code, { status, description }]) => `| ${status} | \`${code}\` | ${description.replaceAll("|", "\\|")} |`)
    .join("\n")
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    info: {
      title: "Valet API",
      version: options.version,
      description:
        "Valet never carries file bytes: it mints short-lived presigned URLs (valet keys) and the client talks " +
        "to storage directly. Authenticate with a personal API token (`Authorization: Bearer …`) or the " +
        "browser's session cookie; cookie-authenticated changes must come from the app's own origin. Every " +
        'failure answers `{ "error": { "code", "message" } }`.\n\n| status | code | meaning |\n| --- | --- | --- |\n' +
        catalogue,
    },
    servers: [{ url: options.serverUrl }],
    tags: [...new Set(OPERATIONS.map((operation) => operation.tag))].map((name) => ({
      name,
      description: TAG_DESCRIPTIONS[name],
    })),
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        apiToken: {
          type: "http",
          scheme: "bearer",
          description: "A personal API token (Settings → API tokens, or POST /api/tokens).",
        },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description:
            "The browser's session after signing in (`__Secure-next-auth.session-token` over HTTPS). " +
            "State-changing calls must carry the app's own Origin.",
        },
      },
    },
  }
}
