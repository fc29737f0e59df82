import { createHash, randomBytes } from "node:crypto"
import { apiRequest, APP_ORIGIN, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import * as factories from "@/tests/support/factories"
import { database, setUpWorld } from "@/tests/support/world"

/**
 * The world of the share tests (tests/integration/shares/): the file, share and public-link routes
 * against real PostgreSQL and each storage server, an admin, an owner and a stranger, and what a
 * recipient's browser or curl sends. Every redirect is followed with fetch, and storage's own
 * refusals are asserted.
 */
export { count, database, PROFILE } from "@/tests/support/world"
// Download keys live 2 s in this file instead of 60 s, so "a key fetched after it expired is
// refused by storage" takes 3 s rather than 61 s; it is the same property (storage enforces
// X-Amz-Expires), with the production TTL checked separately against the env default.
export const DOWNLOAD_TTL_SECONDS = 2

const loadRoutes = async () => ({
  grant: (await import("@/app/api/uploads/route")).POST,
  complete: (await import("@/app/api/uploads/[id]/complete/route")).POST,
  deleteFile: (await import("@/app/api/files/[id]/route")).DELETE,
  createShare: (await import("@/app/api/files/[id]/shares/route")).POST,
  fileShares: (await import("@/app/api/files/[id]/shares/route")).GET,
  listShares: (await import("@/app/api/shares/route")).GET,
  revokeShare: (await import("@/app/api/shares/[id]/route")).DELETE,
  downloadGet: (await import("@/app/s/[token]/download/route")).GET,
  downloadPost: (await import("@/app/s/[token]/download/route")).POST,
  downloadHead: (await import("@/app/s/[token]/download/route")).HEAD,
})
export let routes: Awaited<ReturnType<typeof loadRoutes>>
export let storage: typeof import("@/lib/storage")
export let shares: typeof import("@/lib/shares")
export let admin: { id: string }
export let owner: { id: string }
export let stranger: { id: string }
export const logged: string[] = []
export const issuedTokens: string[] = []

export type ShareBody = {
  id: string
  url: string
  expiresAt: string | null
  maxDownloads: number | null
  downloads: number
  state: string
  hasPassword: boolean
}

export const params = <T extends string>(name: T, value: string) => ({
  params: Promise.resolve({ [name]: value } as Record<T, string>),
})
export const sha256Hex = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex")
export const tokenOf = (url: string) => new URL(url).pathname.split("/").at(-1) ?? ""

/** Uploads bytes through the real grant → PUT → complete flow (the factory); the file's id and object key. */
export const uploadFile = (
  name: string,
  data: Uint8Array<ArrayBuffer> = new Uint8Array(randomBytes(64)),
  userId = owner.id,
  type = "application/octet-stream",
) => factories.uploadFile(userId, { name, data, type })

export async function createShare(fileId: string, input: unknown = {}, userId = owner.id) {
  return routes.createShare(
    apiRequest("POST", `/api/files/${fileId}/shares`, { body: input, headers: await browserHeaders(userId) }),
    params("id", fileId),
  )
}

/** The owner's link to a file (the factory), its token remembered for the log check. */
export async function createShareOk(fileId: string, input: Record<string, unknown> = {}): Promise<ShareBody> {
  const share = await factories.createShare<ShareBody>(owner.id, fileId, input)
  issuedTokens.push(share.token)
  return share
}

export type DownloadOptions = { password?: string; ip?: string; form?: boolean }

/** What a recipient's browser or curl sends: GET without a password, POST (JSON or form) with one. */
export async function download(token: string, options: DownloadOptions = {}) {
  const headers = { "x-forwarded-for": options.ip ?? "198.51.100.1" }
  if (options.form) {
    const request = new Request(new URL(`/s/${token}/download`, APP_ORIGIN), {
      method: "POST",
      headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ password: options.password ?? "" }).toString(),
    })
    return routes.downloadPost(request, params("token", token))
  }
  if (options.password === undefined)
    return routes.downloadGet(apiRequest("GET", `/s/${token}/download`, { headers }), params("token", token))
  return routes.downloadPost(
    apiRequest("POST", `/s/${token}/download`, { body: { password: options.password }, headers }),
    params("token", token),
  )
}

export const shareRow = async (shareId: string) =>
  (
    await query<{ downloads: number; revokedAt: Date | null; fileId: string | null; revokedById: string | null }>(
      database.url,
      `SELECT downloads, "revokedAt", (SELECT "fileId" FROM "ShareFile" WHERE "shareId" = $1 ORDER BY position LIMIT 1) AS "fileId",
       "revokedById" FROM "Share" WHERE id = $1`,
      [shareId],
    )
  )[0]

/** A fresh database with an admin, an owner and a stranger, for this test file; gives it back after. */
export function setUpSharesWorld() {
  setUpWorld({
    env: { DOWNLOAD_URL_TTL_SECONDS: String(DOWNLOAD_TTL_SECONDS) },
    logs: logged,
    // The first account is the admin; owner and stranger are plain users.
    users: { admin: "admin@example.com", owner: "owner@example.com", stranger: "stranger@example.com" },
    async ready(users) {
      ;({ admin, owner, stranger } = users)
      routes = await loadRoutes()
      storage = await import("@/lib/storage")
      shares = await import("@/lib/shares")
    },
  })
}
