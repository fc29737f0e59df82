import { randomBytes } from "node:crypto"
import { expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import * as factories from "@/tests/support/factories"
import { SIGNATURE_PATTERN } from "@/tests/support/storage-profile"
import { database, setUpWorld } from "@/tests/support/world"

/**
 * The world of the admin API tests (tests/integration/admin/): the admin API against real
 * PostgreSQL and each storage server. Who may call it, what each action changes (and that bad
 * input changes nothing), and that a disabled account's links and token stop working on their
 * very next request.
 */
export { count, database, PROFILE } from "@/tests/support/world"

const loadRoutes = async () => ({
  grant: (await import("@/app/api/uploads/route")).POST,
  complete: (await import("@/app/api/uploads/[id]/complete/route")).POST,
  createShare: (await import("@/app/api/files/[id]/shares/route")).POST,
  listFiles: (await import("@/app/api/files/route")).GET,
  createToken: (await import("@/app/api/tokens/route")).POST,
  register: (await import("@/app/api/register/route")).POST,
  downloadGet: (await import("@/app/s/[token]/download/route")).GET,
  users: await import("@/app/api/admin/users/route"),
  updateUser: (await import("@/app/api/admin/users/[id]/route")).PATCH,
  shares: (await import("@/app/api/admin/shares/route")).GET,
  revoke: (await import("@/app/api/admin/shares/[id]/revoke/route")).POST,
  bulkRevoke: (await import("@/app/api/admin/shares/revoke/route")).POST,
  files: (await import("@/app/api/admin/files/route")).GET,
  deleteFile: (await import("@/app/api/admin/files/[id]/route")).DELETE,
  audit: (await import("@/app/api/admin/audit/route")).GET,
  overview: (await import("@/app/api/admin/overview/route")).GET,
})
export let routes: Awaited<ReturnType<typeof loadRoutes>>
export let storage: typeof import("@/lib/storage")
export let admin: { id: string }
export let owner: { id: string }
export let other: { id: string }
export const logged: string[] = []

export const params = (id: string) => ({ params: Promise.resolve({ id }) })
export const userRow = async (id: string) =>
  (
    await query<{ role: string; disabledAt: Date | null; quotaBytes: string | null }>(
      database.url,
      `SELECT role, "disabledAt", "quotaBytes" FROM "User" WHERE id = $1`,
      [id],
    )
  )[0]

/** Uploads `size` random bytes through the real grant → PUT → complete flow (the factory). */
export async function uploadFile(userId: string, name: string, size = 64) {
  const { id, objectKey, uploadId } = await factories.uploadFile(userId, {
    name,
    data: new Uint8Array(randomBytes(size)),
  })
  return { id, objectKey, uploadId }
}

export const shareFile = (userId: string, fileId: string) => factories.createShare(userId, fileId)

export const download = (token: string) =>
  routes.downloadGet(apiRequest("GET", `/s/${token}/download`, { headers: { "x-forwarded-for": "198.51.100.7" } }), {
    params: Promise.resolve({ token }),
  })

export const asAdmin = async () => browserHeaders(admin.id)

export async function patchUser(userId: string, body: unknown, headers?: Record<string, string>) {
  return routes.updateUser(
    apiRequest("PATCH", `/api/admin/users/${userId}`, { body, headers: headers ?? (await asAdmin()) }),
    params(userId),
  )
}

export async function json<T>(response: Response, status = 200): Promise<T> {
  expect(response.status, await response.clone().text()).toBe(status)
  return (await response.json()) as T
}

/** The last check of every admin test file: no key's query and no link token reached a log line. */
export function itNeverLoggedAKey() {
  it("never logged a URL query or a link token", () => {
    expect(logged.join("\n")).not.toMatch(SIGNATURE_PATTERN)
    expect(logged.join("\n")).not.toMatch(/\/s\/[A-Za-z0-9_-]{43}/)
  })
}

/** A fresh database with self-registration closed, an admin, an owner and another user, for this test file. */
export function setUpAdminWorld() {
  setUpWorld({
    // Self-registration is closed: only an admin can create accounts, which is one of the things tested.
    env: { REGISTRATION: "closed" },
    logs: logged,
    // The first account is the admin; owner and other are plain users.
    users: { admin: "admin@example.com", owner: "owner@example.com", other: "other@example.com" },
    async ready(users) {
      ;({ admin, owner, other } = users)
      routes = await loadRoutes()
      storage = await import("@/lib/storage")
    },
  })
}
