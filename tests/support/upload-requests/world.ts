import { apiRequest } from "@/tests/support/app"
import * as factories from "@/tests/support/factories"
import { MIB, setUpWorld } from "@/tests/support/world"

/**
 * The world of the upload request tests (tests/integration/upload-requests/): write-only links
 * against real PostgreSQL and each storage server.
 */
export { count, database, MIB, PROFILE } from "@/tests/support/world"

export let owner: { id: string }
export let other: { id: string }
const loadRoutes = async () => ({
  create: (await import("@/app/api/upload-requests/route")).POST,
  detail: (await import("@/app/api/upload-requests/[id]/route")).GET,
  close: (await import("@/app/api/upload-requests/[id]/close/route")).POST,
  grant: (await import("@/app/api/r/[token]/uploads/route")).POST,
  complete: (await import("@/app/api/r/[token]/uploads/[id]/complete/route")).POST,
  signParts: (await import("@/app/api/r/[token]/uploads/[id]/parts/route")).POST,
})
export let routes: Awaited<ReturnType<typeof loadRoutes>>

export type Created = { id: string; url: string; state: string }
export type Grant = { id: string; multipart: boolean; url: string; headers: Record<string, string> }

export const tokenOf = (created: Created) => new URL(created.url).pathname.split("/")[2] ?? ""
export let ipCounter = 0

/** A request of the user's (the factory), "Send me your slides" unless the body titles it. */
export const createRequest = (body: Record<string, unknown>, userId = owner.id): Promise<Created> =>
  factories.createUploadRequest<Created>(userId, body)

/** An outsider's call: no cookie, its own address unless told, the password header when given. */
export function outsider(token: string, path: string, body: unknown, options: { password?: string; ip?: string } = {}) {
  return apiRequest("POST", `/api/r/${token}${path}`, {
    body,
    headers: {
      "x-forwarded-for": options.ip ?? `198.51.100.${++ipCounter % 250}`,
      ...(options.password ? { "x-upload-password": options.password } : {}),
    },
  })
}

export const grant = (token: string, body: unknown, options?: { password?: string; ip?: string }) =>
  routes.grant(outsider(token, "/uploads", body, options), { params: Promise.resolve({ token }) })
export const complete = (token: string, id: string, options?: { password?: string }) =>
  routes.complete(outsider(token, `/uploads/${id}/complete`, undefined, options), {
    params: Promise.resolve({ token, id }),
  })

export async function put(
  url: string,
  data: Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = {},
  method = "PUT",
) {
  const response = await fetch(url, { method, body: method === "PUT" ? data : undefined, headers })
  await response.arrayBuffer()
  return response.status
}

/** A fresh database (5 MiB parts) with an owner and another user, for this test file. */
export function setUpUploadRequestsWorld() {
  setUpWorld({
    env: { MULTIPART_THRESHOLD_BYTES: String(5 * MIB), MULTIPART_PART_SIZE_BYTES: String(5 * MIB) },
    users: { owner: "owner@example.com", other: "other@example.com" },
    async ready(users) {
      ;({ owner, other } = users)
      routes = await loadRoutes()
    },
  })
}
