import { expect } from "vitest"
import { z } from "zod"
import type { HttpMethod, Operation } from "@/lib/shared/wire/common"
import { errorBodySchema } from "@/lib/shared/wire/errors"
import { errorCodesOf } from "@/lib/shared/wire/openapi"
import { findOperation, OPERATIONS } from "@/lib/shared/wire/operations"

/**
 * Holds real responses to the OpenAPI document: a JSON body must match the schema its operation
 * documents for that status (response objects are strict, so an undocumented field fails too), a
 * failure must be the error body with a code the operation lists under that status, and a status
 * the document does not list fails. Every checked operation is recorded, so a test can require
 * that every JSON answer was seen.
 */
export type OperationKey = `${HttpMethod} /${string}`

const seen = new Map<OperationKey, Set<number>>()

/** Which statuses of which operations were checked so far in this test file. */
export const checkedOperations = (): ReadonlyMap<OperationKey, ReadonlySet<number>> => seen

const isSchema = (spec: unknown): spec is z.ZodType => spec instanceof z.ZodType

function operationFor(key: OperationKey): Operation {
  const [method, path] = key.split(" ") as [HttpMethod, string]
  const operation = findOperation(method, path)
  if (!operation) throw new Error(`${key} is not in the OpenAPI document (lib/shared/wire/)`)
  return operation
}

/** Checks one response against the operation it answered; returns its JSON body (undefined when it has none). */
export async function expectContract(key: OperationKey, response: Response): Promise<unknown> {
  const operation = operationFor(key)
  const status = response.status
  const text = await response.clone().text()
  const label = `${key} → ${status}: ${text.slice(0, 500)}`
  const documented = operation.responses[status]
  const codes = errorCodesOf(operation)
  seen.set(key, (seen.get(key) ?? new Set()).add(status))

  if (isSchema(documented)) {
    const parsed = documented.safeParse(JSON.parse(text))
    expect(parsed.success ? "" : z.prettifyError(parsed.error), label).toBe("")
    return JSON.parse(text)
  }
  if (status >= 400) {
    const parsed = errorBodySchema.safeParse(JSON.parse(text))
    expect(parsed.success ? "" : z.prettifyError(parsed.error), label).toBe("")
    const code = parsed.data?.error.code
    expect(codes, `${label}: the document does not list ${code} for this operation`).toContain(code)
    return JSON.parse(text)
  }
  expect(documented, `${label}: the document lists no ${status} for this operation`).toBeDefined()
  // A documented body-less answer (204, a redirect to a key) carries no body.
  expect(text, label).toBe("")
  if (documented?.headers?.Location) expect(response.headers.get("location"), label).toBeTruthy()
  return undefined
}

/** Operations answering JSON with a 2xx, the set a contract test must cover. */
export const jsonOperations = (): OperationKey[] =>
  OPERATIONS.filter((operation) =>
    Object.entries(operation.responses).some(([status, spec]) => Number(status) < 300 && isSchema(spec)),
  ).map((operation) => `${operation.method} ${operation.path}` as OperationKey)
