import { afterAll, beforeAll } from "vitest"
import { apiRequest, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import * as factories from "@/tests/support/factories"

/**
 * The world of the upload request tests (tests/integration/upload-requests/): write-only links
 * against real PostgreSQL and each storage server.
 */
export const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
export const MIB = 1024 * 1024

export let database: Awaited<ReturnType<typeof useFreshDatabase>>
export let owner: { id: string }
export let other: { id: string }
export let routes: {
  create: typeof import("@/app/api/upload-requests/route").POST
  detail: typeof import("@/app/api/upload-requests/[id]/route").GET
  close: typeof import("@/app/api/upload-requests/[id]/close/route").POST
  grant: typeof import("@/app/api/r/[token]/uploads/route").POST
  complete: typeof import("@/app/api/r/[token]/uploads/[id]/complete/route").POST
  signParts: typeof import("@/app/api/r/[token]/uploads/[id]/parts/route").POST
}

export type Created = { id: string; url: string; state: string }
export type Grant = { id: string; multipart: boolean; url: string; headers: Record<string, string> }

export const tokenOf = (created: Created) => new URL(created.url).pathname.split("/")[2] ?? ""
export const count = async (table: string) =>
  Number((await query<{ count: string }>(database.url, `SELECT count(*) FROM "${table}"`))[0]?.count)
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
  beforeAll(async () => {
    database = await useFreshDatabase({
      MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
      MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
    })
    routes = {
      create: (await import("@/app/api/upload-requests/route")).POST,
      detail: (await import("@/app/api/upload-requests/[id]/route")).GET,
      close: (await import("@/app/api/upload-requests/[id]/close/route")).POST,
      grant: (await import("@/app/api/r/[token]/uploads/route")).POST,
      complete: (await import("@/app/api/r/[token]/uploads/[id]/complete/route")).POST,
      signParts: (await import("@/app/api/r/[token]/uploads/[id]/parts/route")).POST,
    }
    const { registerUser } = await import("@/lib/accounts")
    owner = await registerUser({ email: "owner@example.com", password: "perfectly-fine-1" })
    other = await registerUser({ email: "other@example.com", password: "perfectly-fine-2" })
  })

  afterAll(() => database.cleanUp())
}
