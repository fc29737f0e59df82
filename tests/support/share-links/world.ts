import { randomBytes } from "node:crypto"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import * as factories from "@/tests/support/factories"
import { setUpWorld } from "@/tests/support/world"

/**
 * The world of the tests of links to several files (tests/integration/share-links/). Links
 * holding several files (issue 16), against real PostgreSQL and each real S3 server: the
 * contract, edits, counting (with a race across files), previews with their pinned types and
 * Range, revocation on every recipient route, the unlock cookie and the access log.
 */
export { count, database, PROFILE } from "@/tests/support/world"

const loadRoutes = async () => ({
  grant: (await import("@/app/api/uploads/route")).POST,
  complete: (await import("@/app/api/uploads/[id]/complete/route")).POST,
  deleteFile: (await import("@/app/api/files/[id]/route")).DELETE,
  create: (await import("@/app/api/shares/route")).POST,
  detail: (await import("@/app/api/shares/[id]/route")).GET,
  update: (await import("@/app/api/shares/[id]/route")).PATCH,
  revoke: (await import("@/app/api/shares/[id]/route")).DELETE,
  fileDownload: (await import("@/app/s/[token]/files/[fileId]/download/route")).GET,
  preview: (await import("@/app/s/[token]/files/[fileId]/preview/route")).GET,
  downloadAll: (await import("@/app/s/[token]/download-all/route")).POST,
  unlock: (await import("@/app/s/[token]/unlock/route")).POST,
  legacyDownload: (await import("@/app/s/[token]/download/route")).GET,
})
export let routes: Awaited<ReturnType<typeof loadRoutes>>
export let shares: typeof import("@/lib/shares")
export let admin: { id: string }
export let owner: { id: string }
export let stranger: { id: string }
export const logged: string[] = []
export const issuedTokens: string[] = []

export type FileBody = { id: string; name: string; size: number; type: string }
export type ShareBody = {
  id: string
  url: string
  title: string | null
  files: FileBody[]
  expiresAt: string | null
  maxDownloads: number | null
  downloads: number
}

export const params = <T extends Record<string, string>>(values: T) => ({ params: Promise.resolve(values) })
export const tokenOf = (url: string) => new URL(url).pathname.split("/").at(-1) ?? ""
export const UA = "share-links-test/1.0"

/** Uploads bytes of the given type through the real grant → PUT → complete flow (the factory). */
export async function uploadFile(
  name: string,
  type: string,
  data: Uint8Array<ArrayBuffer> = new Uint8Array(randomBytes(64)),
  userId = owner.id,
) {
  const { id } = await factories.uploadFile(userId, { name, type, data })
  return { id, data, type }
}

export async function createLink(body: Record<string, unknown>, userId = owner.id) {
  return routes.create(apiRequest("POST", "/api/shares", { body, headers: await browserHeaders(userId) }))
}

/** The owner's link to several files (the factory), its token remembered for the log check. */
export async function createLinkOk(body: { fileIds: string[] } & Record<string, unknown>) {
  const share = await factories.createLinkToFiles<ShareBody>(owner.id, body)
  issuedTokens.push(share.token)
  return share
}

export type Recipient = { ip?: string; cookie?: string; json?: boolean; body?: Record<string, unknown>; range?: string }

export function recipientRequest(method: string, path: string, options: Recipient = {}) {
  const headers: Record<string, string> = { "x-forwarded-for": options.ip ?? "198.51.100.7", "user-agent": UA }
  if (options.cookie) headers.cookie = options.cookie
  if (options.json) headers.accept = "application/json"
  return apiRequest(method, path, { headers, body: options.body })
}

export const downloadFile = (token: string, fileId: string, options: Recipient = {}) =>
  routes.fileDownload(
    recipientRequest(options.body ? "POST" : "GET", `/s/${token}/files/${fileId}/download`, options),
    params({ token, fileId }),
  )
export const previewFile = (token: string, fileId: string, options: Recipient = {}) =>
  routes.preview(recipientRequest("GET", `/s/${token}/files/${fileId}/preview`, options), params({ token, fileId }))
export const startZip = (token: string, options: Recipient = {}) =>
  routes.downloadAll(recipientRequest("POST", `/s/${token}/download-all`, options), params({ token }))
export const unlock = (token: string, password: string, options: Recipient = {}) =>
  routes.unlock(recipientRequest("POST", `/s/${token}/unlock`, { ...options, body: { password } }), params({ token }))

export async function errorCode(response: Response) {
  return ((await response.json()) as { error: { code: string } }).error.code
}

/** A fresh database with an admin, an owner and a stranger, for this test file. */
export function setUpShareLinksWorld() {
  setUpWorld({
    logs: logged,
    users: { admin: "admin@example.com", owner: "owner@example.com", stranger: "stranger@example.com" },
    async ready(users) {
      ;({ admin, owner, stranger } = users)
      routes = await loadRoutes()
      shares = await import("@/lib/shares")
    },
  })
}
