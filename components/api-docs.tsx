import { getTranslations } from "next-intl/server"
import { Fragment, type ReactNode } from "react"
import { ERROR_CODES } from "@/lib/shared/error-codes"
import type { OpenApiDocument } from "@/lib/shared/wire/openapi"

/**
 * The API reference, rendered on the server from the generated OpenAPI document itself (so the page
 * and /api/openapi.json cannot disagree). Plain HTML: no script of its own, so the page's nonce
 * CSP has nothing to allow.
 */
type Schema = {
  $ref?: string
  type?: string | string[]
  format?: string
  description?: string
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  enum?: unknown[]
  const?: unknown
  default?: unknown
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  minItems?: number
  maxItems?: number
  pattern?: string
  additionalProperties?: Schema | boolean
}
type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Schema }
type Response = { description: string; content?: Record<string, { schema: Schema }>; headers?: Record<string, unknown> }
type Operation = {
  tags: string[]
  summary: string
  description?: string
  operationId: string
  "x-access": "public" | "user" | "admin" | "link"
  parameters: Parameter[]
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> }
  responses: Record<string, Response>
}

const SCHEMA_PREFIX = "#/components/schemas/"
/** Protocol text, the same in every language. */
const AUTH_HEADER_EXAMPLE = "Authorization: Bearer …"
const ERROR_BODY_EXAMPLE = '{ "error": { "code", "message" } }'
const CODE_CLASSES = "rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.85em] dark:bg-slate-800"
const METHOD_CLASSES: Record<string, string> = {
  get: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200",
  head: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200",
  post: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  patch: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  put: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  delete: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
}
type Translate = Awaited<ReturnType<typeof getTranslations>>

/** `code` spans and "- " bullet lines, the only markdown the generated text uses. */
function Text({ children }: { children?: string }) {
  if (!children) return null
  const inline = (line: string) =>
    line.split(/(`[^`]+`)/).map((part, index) =>
      part.startsWith("`") && part.endsWith("`") ? (
        <code key={index} dir="ltr" className={CODE_CLASSES}>
          {part.slice(1, -1)}
        </code>
      ) : (
        <Fragment key={index}>{part}</Fragment>
      ),
    )
  const blocks = children.split("\n\n")
  return (
    <>
      {blocks.map((block, index) => {
        const lines = block.split("\n")
        return lines.every((line) => line.startsWith("- ")) ? (
          <ul key={index} dir="auto" className="ms-5 list-disc space-y-0.5">
            {lines.map((line, item) => (
              <li key={item}>{inline(line.slice(2))}</li>
            ))}
          </ul>
        ) : (
          <p key={index} dir="auto">
            {inline(block)}
          </p>
        )
      })}
    </>
  )
}

const refName = (ref: string) => ref.slice(SCHEMA_PREFIX.length)

/** A schema's type in a few words: `string (date-time)`, `array of File`, `"a" | "b"`. */
function typeLabel(schema: Schema, t: Translate): ReactNode {
  if (schema.$ref) {
    const name = refName(schema.$ref)
    return (
      <a href={`#schema-${name}`} className="font-medium text-brand-700 underline dark:text-brand-300">
        {name}
      </a>
    )
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const)
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(" | ")
  const variants = schema.anyOf ?? schema.oneOf
  if (variants)
    return variants.map((variant, index) => (
      <Fragment key={index}>
        {index > 0 && " | "}
        {typeLabel(variant, t)}
      </Fragment>
    ))
  if (schema.type === "array" && schema.items)
    return (
      <>
        {t("arrayOfType")} {typeLabel(schema.items, t)}
      </>
    )
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any JSON")
  return schema.format ? `${type} (${schema.format})` : type
}

function constraints(schema: Schema): string {
  const said = [
    schema.minimum !== undefined && Math.abs(schema.minimum) < 2 ** 52 ? `≥ ${schema.minimum}` : "",
    schema.maximum !== undefined && Math.abs(schema.maximum) < 2 ** 52 ? `≤ ${schema.maximum}` : "",
    schema.minLength ? `${schema.minLength}+ chars` : "",
    schema.maxLength ? `≤ ${schema.maxLength} chars` : "",
    schema.minItems ? `${schema.minItems}+ items` : "",
    schema.maxItems ? `≤ ${schema.maxItems} items` : "",
    schema.default !== undefined ? `default ${JSON.stringify(schema.default)}` : "",
    schema.pattern ? `matches ${schema.pattern}` : "",
  ]
  return said.filter(Boolean).join(", ")
}

/** An object's fields as a list (nested objects indented); anything else as its type. */
function SchemaView({ schema, t, depth = 0 }: { schema: Schema; t: Translate; depth?: number }) {
  const variants = schema.anyOf ?? schema.oneOf
  if (variants && variants.some((variant) => variant.properties))
    return (
      <div className="space-y-2">
        <p className="text-xs text-slate-500">{t("oneOf")}</p>
        {variants.map((variant, index) => (
          <div key={index} className="border-s-2 border-slate-200 ps-3 dark:border-slate-700">
            <SchemaView schema={variant} t={t} depth={depth + 1} />
          </div>
        ))}
      </div>
    )
  const item = schema.type === "array" ? schema.items : undefined
  if (item?.properties)
    return (
      <div>
        <p className="text-xs text-slate-500">{t("arrayOf")}</p>
        <SchemaView schema={item} t={t} depth={depth + 1} />
      </div>
    )
  if (!schema.properties)
    return (
      <p className="font-mono text-xs">
        {typeLabel(schema, t)}
        {schema.description && <span className="ms-2 font-sans text-slate-500">{schema.description}</span>}
      </p>
    )
  return (
    <ul className="space-y-1.5">
      {Object.entries(schema.properties).map(([name, field]) => {
        const nested = field.properties ?? (field.type === "array" ? field.items?.properties : undefined)
        const limits = constraints(field)
        return (
          // A field reads as code, left to right, on an Arabic page too.
          <li key={name} dir="ltr" className="text-sm">
            <span className="font-mono font-medium">{name}</span>
            {!schema.required?.includes(name) && <span className="text-xs text-slate-500">?</span>}
            <span className="ms-2 font-mono text-xs text-slate-600 dark:text-slate-300">
              {nested ? t(field.type === "array" ? "arrayOfObjects" : "object") : typeLabel(field, t)}
            </span>
            {limits && <span className="ms-2 text-xs text-slate-500">{limits}</span>}
            {field.description && <span className="ms-2 text-xs text-slate-500">— {field.description}</span>}
            {nested && depth < 4 && (
              <div className="mt-1 border-s-2 border-slate-200 ps-3 dark:border-slate-700">
                <SchemaView
                  schema={field.type === "array" && field.items ? field.items : field}
                  t={t}
                  depth={depth + 1}
                />
              </div>
            )}
          </li>
        )
      })}
    </ul>
  )
}

function OperationView(props: { path: string; method: string; operation: Operation; t: Translate }) {
  const { path, method, operation, t } = props
  const body = operation.requestBody
  return (
    <section
      id={operation.operationId}
      aria-labelledby={`${operation.operationId}-title`}
      className="scroll-mt-20 space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <h3 id={`${operation.operationId}-title`} className="flex flex-wrap items-center gap-2">
        <span className={`rounded px-2 py-0.5 font-mono text-xs font-semibold uppercase ${METHOD_CLASSES[method]}`}>
          {method}
        </span>
        <code dir="ltr" className="break-all font-mono text-sm font-semibold">
          {path}
        </code>
      </h3>
      {/* The document's own text is English (the API's language): it keeps its direction. */}
      <p dir="auto" className="text-sm">
        {operation.summary}
      </p>
      <p className="text-xs text-slate-600 dark:text-slate-400">
        <span className="font-semibold">{t("who")}</span> {t(`access.${operation["x-access"]}`)}
      </p>
      {operation.parameters.length > 0 && (
        <div>
          <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t("parameters")}</h4>
          <ul className="mt-1 space-y-1 text-sm">
            {operation.parameters.map((parameter) => (
              <li key={`${parameter.in}-${parameter.name}`}>
                <span className="font-mono font-medium">{parameter.name}</span>
                {!parameter.required && <span className="text-xs text-slate-500">?</span>}
                <span className="ms-2 text-xs text-slate-500">{t("in", { location: parameter.in })}</span>
                {parameter.schema && (
                  <span className="ms-2 font-mono text-xs text-slate-600 dark:text-slate-300">
                    {typeLabel(parameter.schema, t)}
                  </span>
                )}
                {parameter.schema && constraints(parameter.schema) && (
                  <span className="ms-2 text-xs text-slate-500">{constraints(parameter.schema)}</span>
                )}
                {parameter.description && (
                  <span className="ms-2 text-xs text-slate-500">— {parameter.description}</span>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {body && (
        <div>
          <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">
            {t(body.required ? "body" : "bodyOptional", { types: Object.keys(body.content).join(" | ") })}
          </h4>
          <div className="mt-1">
            <SchemaView schema={Object.values(body.content)[0]!.schema} t={t} />
          </div>
        </div>
      )}
      <div>
        <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t("responses")}</h4>
        <dl className="mt-1 space-y-2 text-sm">
          {Object.entries(operation.responses).map(([status, response]) => {
            const schema = response.content?.["application/json"]?.schema
            const isError = Number(status) >= 400
            return (
              <div key={status} className="grid gap-x-3 sm:grid-cols-[3.5rem_1fr]">
                <dt className={`font-mono font-semibold ${isError ? "text-red-700 dark:text-red-300" : ""}`}>
                  {status}
                </dt>
                <dd className="space-y-1 text-slate-700 dark:text-slate-300">
                  <Text>{response.description}</Text>
                  {schema && !isError && <SchemaView schema={schema} t={t} />}
                </dd>
              </div>
            )
          })}
        </dl>
      </div>
    </section>
  )
}

export async function ApiReference({ document }: { document: OpenApiDocument }) {
  const t = await getTranslations("apiDocs")
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation: operation as Operation })),
  )
  const tags = (document.tags as { name: string; description?: string }[]) ?? []
  const schemas = (document.components as { schemas: Record<string, Schema> }).schemas
  const schemes = (document.components as { securitySchemes: Record<string, { description: string }> }).securitySchemes
  return (
    <div className="space-y-10">
      <section aria-labelledby="auth-heading" className="space-y-2 text-sm">
        <h2 id="auth-heading" className="text-xl font-semibold">
          {t("authentication")}
        </h2>
        <ul className="ms-5 list-disc space-y-1">
          <li>
            <span className="font-medium">{t("apiToken")}</span>:{" "}
            <code dir="ltr" className={CODE_CLASSES}>
              {AUTH_HEADER_EXAMPLE}
            </code>
            . <Text>{schemes.apiToken?.description}</Text>
          </li>
          <li>
            <span className="font-medium">{t("sessionCookie")}</span>: <Text>{schemes.sessionCookie?.description}</Text>
          </li>
          <li>{t("linkTokens")}</li>
        </ul>
      </section>
      <nav aria-label={t("areas")} className="text-sm">
        <ul className="flex flex-wrap gap-x-4 gap-y-1">
          {tags.map((tag) => (
            <li key={tag.name}>
              <a href={`#area-${encodeURIComponent(tag.name)}`} className="underline">
                {tag.name}
              </a>
            </li>
          ))}
          <li>
            <a href="#errors" className="underline">
              {t("errorCodes")}
            </a>
          </li>
          <li>
            <a href="#schemas" className="underline">
              {t("schemas")}
            </a>
          </li>
        </ul>
      </nav>
      {tags.map((tag) => (
        <section key={tag.name} id={`area-${encodeURIComponent(tag.name)}`} className="scroll-mt-20 space-y-4">
          <div>
            <h2 className="text-xl font-semibold">{tag.name}</h2>
            <div className="text-sm text-slate-600 dark:text-slate-400">
              <Text>{tag.description}</Text>
            </div>
          </div>
          {operations
            .filter(({ operation }) => operation.tags.includes(tag.name))
            .map(({ path, method, operation }) => (
              <OperationView key={`${method} ${path}`} path={path} method={method} operation={operation} t={t} />
            ))}
        </section>
      ))}
      <section id="errors" aria-labelledby="errors-heading" className="scroll-mt-20 space-y-3">
        <h2 id="errors-heading" className="text-xl font-semibold">
          {t("errorCodes")}
        </h2>
        <p className="text-sm">
          {t.rich("errorBody", {
            // A tag, not a {placeholder}: a function given for a placeholder is rendered as a
            // function and fails the whole page.
            body: () => <code className={CODE_CLASSES}>{ERROR_BODY_EXAMPLE}</code>,
          })}
        </p>
        <div className="overflow-x-auto">
          <table className="w-full text-start text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-start dark:border-slate-800">
                <th scope="col" className="py-1 pe-3 text-start">
                  {t("status")}
                </th>
                <th scope="col" className="py-1 pe-3 text-start">
                  {t("code")}
                </th>
                <th scope="col" className="py-1 text-start">
                  {t("meaning")}
                </th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(ERROR_CODES).map(([code, { status, description }]) => (
                <tr key={code} className="border-b border-slate-100 align-top dark:border-slate-900">
                  <td className="py-1 pe-3 font-mono">{status}</td>
                  <td className="py-1 pe-3 font-mono">{code}</td>
                  <td className="py-1">
                    <Text>{description}</Text>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section id="schemas" aria-labelledby="schemas-heading" className="scroll-mt-20 space-y-4">
        <h2 id="schemas-heading" className="text-xl font-semibold">
          {t("schemas")}
        </h2>
        {Object.entries(schemas)
          .filter(([name]) => name !== "ErrorCode")
          .map(([name, schema]) => (
            <section key={name} id={`schema-${name}`} className="scroll-mt-20 space-y-1">
              <h3 className="font-mono font-semibold">{name}</h3>
              {schema.description && <p className="text-sm text-slate-600 dark:text-slate-400">{schema.description}</p>}
              <SchemaView schema={schema} t={t} />
            </section>
          ))}
      </section>
    </div>
  )
}
