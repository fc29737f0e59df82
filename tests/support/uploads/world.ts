import { createHash, randomBytes } from "node:crypto"
import { expect } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { database, MIB, setUpWorld } from "@/tests/support/world"

/**
 * The world of the upload tests (tests/integration/uploads/): the upload routes against real
 * PostgreSQL and each storage server, an owner and a stranger. Every presigned URL is exercised
 * with fetch, and storage's own refusals are asserted.
 */
export { count, database, MIB, PROFILE } from "@/tests/support/world"

const loadRoutes = async () => ({
  grant: (await import("@/app/api/uploads/route")).POST,
  abort: (await import("@/app/api/uploads/[id]/route")).DELETE,
  signParts: (await import("@/app/api/uploads/[id]/parts/route")).POST,
  listParts: (await import("@/app/api/uploads/[id]/parts/route")).GET,
  complete: (await import("@/app/api/uploads/[id]/complete/route")).POST,
})
export let routes: Awaited<ReturnType<typeof loadRoutes>>
export let storage: typeof import("@/lib/storage")
export let uploads: typeof import("@/lib/uploads")
export let owner: { id: string }
export let stranger: { id: string }
export const logged: string[] = []

export const params = (id: string) => ({ params: Promise.resolve({ id }) })
export const body = (size: number) => new Uint8Array(randomBytes(size))
export const sha256Base64 = (data: Uint8Array) => createHash("sha256").update(data).digest("base64")

export type SingleGrant = {
  id: string
  multipart: false
  url: string
  method: "PUT"
  headers: Record<string, string>
  expiresAt: string
}
export type MultipartGrant = { id: string; multipart: true; partSize: number; partCount: number; expiresAt: string }

export async function grant(input: unknown, userId = owner.id) {
  return routes.grant(apiRequest("POST", "/api/uploads", { body: input, headers: await browserHeaders(userId) }))
}

export async function grantOk<T extends SingleGrant | MultipartGrant>(input: unknown): Promise<T> {
  const response = await grant(input)
  expect(response.status, await response.clone().text()).toBe(201)
  return (await response.json()).upload as T
}

export async function complete(uploadId: string, input?: unknown, userId = owner.id) {
  return routes.complete(
    apiRequest("POST", `/api/uploads/${uploadId}/complete`, { body: input, headers: await browserHeaders(userId) }),
    params(uploadId),
  )
}

export async function signParts(uploadId: string, partNumbers: unknown, userId = owner.id) {
  return routes.signParts(
    apiRequest("POST", `/api/uploads/${uploadId}/parts`, {
      body: { partNumbers },
      headers: await browserHeaders(userId),
    }),
    params(uploadId),
  )
}

export async function put(url: string, data: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "PUT", body: data, headers })
  await response.arrayBuffer()
  return response
}

export const objectKeyOf = async (uploadId: string) =>
  (await query<{ objectKey: string }>(database.url, `SELECT "objectKey" FROM "Upload" WHERE id = $1`, [uploadId]))[0]
    ?.objectKey ?? ""
export const statusOf = async (uploadId: string) =>
  (await query<{ status: string }>(database.url, `SELECT status FROM "Upload" WHERE id = $1`, [uploadId]))[0]?.status

/** A fresh database (64 MiB files, 100 MiB quota, 5 MiB parts) with an owner and a stranger, for this test file. */
export function setUpUploadsWorld() {
  setUpWorld({
    env: {
      MAX_FILE_SIZE_BYTES: String(64 * MIB),
      USER_QUOTA_BYTES: String(100 * MIB),
      MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
      MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
    },
    logs: logged,
    users: { owner: "owner@example.com", stranger: "stranger@example.com" },
    async ready(users) {
      ;({ owner, stranger } = users)
      routes = await loadRoutes()
      storage = await import("@/lib/storage")
      uploads = await import("@/lib/uploads")
    },
  })
}
