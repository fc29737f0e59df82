import { randomBytes } from "node:crypto"
import { URI } from "otpauth"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { APP_ORIGIN, apiRequest, browserHeaders, captureLogs, useFreshDatabase } from "@/tests/support/app"
import { createUser } from "@/tests/support/factories"
import { checkedOperations, expectContract, jsonOperations, type OperationKey } from "@/tests/support/wire-contract"

/**
 * Every JSON answer of the API, from the real app on real PostgreSQL and each storage server,
 * checked against the OpenAPI document's schemas (tests/support/wire-contract.ts): a field
 * renamed, added or typed differently in a presenter fails here. Failures are checked too: their
 * code must be one the document lists for that operation and status.
 */
const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const MIB = 1024 * 1024

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let admin: { id: string }
let owner: { id: string }
let ipCounter = 0

type Granted = { upload: { id: string; url: string; headers: Record<string, string> } }

type CallOptions = {
  params?: Record<string, string>
  query?: Record<string, string>
  body?: unknown
  as?: string
  headers?: Record<string, string>
}

/** Calls the route a key names, as the browser would (session cookie, own origin), and checks its answer. */
async function call<T = unknown>(
  key: OperationKey,
  options: CallOptions = {},
): Promise<{ response: Response; json: T }> {
  const [method, template] = key.split(" ") as [string, string]
  const params = options.params ?? {}
  const folder = template.replace(/\{(\w+)\}/g, "[$1]")
  const routeModule = (await import(/* @vite-ignore */ `@/app${folder}/route`)) as Record<
    string,
    (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>
  >
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ""))
  const search = options.query ? `?${new URLSearchParams(options.query)}` : ""
  const headers = {
    ...(options.as ? await browserHeaders(options.as) : { origin: APP_ORIGIN }),
    // Each call from its own address: per-IP limits never couple the calls.
    "x-forwarded-for": `10.77.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`,
    ...options.headers,
  }
  const handler = routeModule[method]
  if (!handler) throw new Error(`${key}: no ${method} export`)
  const response = await handler(apiRequest(method, `${path}${search}`, { body: options.body, headers }), {
    params: Promise.resolve(params),
  })
  return { response, json: (await expectContract(key, response)) as T }
}

beforeAll(async () => {
  database = await useFreshDatabase({
    MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
    MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
    WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
  })
  captureLogs([])
  admin = await createUser("admin@contract.test")
  owner = await createUser("owner@contract.test")
}, 60_000)

afterAll(async () => {
  vi.restoreAllMocks()
  await database.cleanUp()
})

describe(`every JSON answer matches the OpenAPI document on ${PROFILE} storage`, () => {
  let fileId: string
  let textFileId: string
  let shareId: string
  let multiShare: { id: string; token: string }

  it("account, tokens and two-factor", async () => {
    await call("POST /api/register", { body: { email: "new@contract.test", password: "perfectly-fine-9" } })
    await call("POST /api/register", { body: { email: "new@contract.test", password: "perfectly-fine-9" } })
    await call("GET /api/account", { as: owner.id })
    await call("GET /api/account", {})
    await call("PATCH /api/account", { as: owner.id, body: { name: "Ada" } })
    await call("GET /api/account/notifications", { as: owner.id })
    await call("PATCH /api/account/notifications", { as: owner.id, body: { notifyExpiry: false } })
    await call("POST /api/account/verify-email", { as: owner.id })
    await call("POST /api/account/email", {
      as: owner.id,
      body: { email: "ada@contract.test", currentPassword: "perfectly-fine-1" },
    })
    await call("POST /api/password-reset", { body: { email: "owner@contract.test" } })
    const { json: enrolment } = await call<{ uri: string }>("POST /api/account/totp", { as: owner.id })
    const code = URI.parse(enrolment.uri).generate()
    await call("POST /api/account/totp/confirm", { as: owner.id, body: { code } })
    await call("DELETE /api/account/totp", { as: owner.id, body: { currentPassword: "perfectly-fine-1" } })
    const { json: created } = await call<{ token: { id: string; secret: string } }>("POST /api/tokens", {
      as: owner.id,
      body: { name: "ci", expiresInDays: 30 },
    })
    await call("GET /api/tokens", { as: owner.id })
    // A token answers like a session.
    await call("GET /api/tokens", { headers: { authorization: `Bearer ${created.token.secret}` } })
    await call("DELETE /api/tokens/{id}", { as: owner.id, params: { id: created.token.id } })
  })

  it("uploads: a single PUT, a multipart grant, parts, completion", async () => {
    const data = new Uint8Array(randomBytes(1000))
    const { json: granted } = await call<Granted>("POST /api/uploads", {
      as: owner.id,
      body: { name: "notes.txt", size: data.length, type: "text/plain" },
    })
    expect((await fetch(granted.upload.url, { method: "PUT", body: data, headers: granted.upload.headers })).ok).toBe(
      true,
    )
    const { json: done } = await call<{ file: { id: string } }>("POST /api/uploads/{id}/complete", {
      as: owner.id,
      params: { id: granted.upload.id },
    })
    textFileId = done.file.id
    await call("POST /api/uploads/{id}/complete", { as: owner.id, params: { id: granted.upload.id } })
    await call("POST /api/uploads", { as: owner.id, body: { name: "", size: -1 } })

    const { json: multipart } = await call<Granted>("POST /api/uploads", {
      as: owner.id,
      body: { name: "big.bin", size: 6 * MIB, type: "application/octet-stream" },
    })
    const id = multipart.upload.id as string
    await call("POST /api/uploads/{id}/parts", { as: owner.id, params: { id }, body: { partNumbers: [1, 2] } })
    await call("POST /api/uploads/{id}/parts", { as: owner.id, params: { id }, body: { partNumbers: [3] } })
    await call("GET /api/uploads/{id}/parts", { as: owner.id, params: { id } })
    await call("DELETE /api/uploads/{id}", { as: owner.id, params: { id } })
    // Through the routes here rather than the uploadFile factory, which expects S3's 200 to a PUT (Azure answers 201).
    const pdf = new Uint8Array(randomBytes(64))
    const { json: second } = await call<Granted>("POST /api/uploads", {
      as: owner.id,
      body: { name: "report.pdf", size: pdf.length, type: "application/pdf" },
    })
    expect((await fetch(second.upload.url, { method: "PUT", body: pdf, headers: second.upload.headers })).ok).toBe(true)
    const { json: recorded } = await call<{ file: { id: string } }>("POST /api/uploads/{id}/complete", {
      as: owner.id,
      params: { id: second.upload.id },
    })
    fileId = recorded.file.id

    // The batch forms: one good item and one bad, each answering on its own.
    const { json: batch } = await call<{ results: Granted[] }>("POST /api/uploads", {
      as: owner.id,
      body: {
        files: [
          { name: "a.txt", size: 10, type: "text/plain" },
          { name: "", size: 10 },
        ],
      },
    })
    const [good] = batch.results
    if (!good) throw new Error("no grant in the batch")
    expect((await fetch(good.upload.url, { method: "PUT", body: "0123456789", headers: good.upload.headers })).ok).toBe(
      true,
    )
    await call("POST /api/uploads/complete", {
      as: owner.id,
      body: { uploads: [{ id: good.upload.id }, { id: "c".padEnd(25, "0") }] },
    })
  })

  it("files", async () => {
    await call("GET /api/files", { as: owner.id, query: { limit: "1" } })
    await call("GET /api/files", { as: owner.id, query: { sort: "sideways" } })
    await call("GET /api/files", {})
    await call("GET /api/files/{id}", { as: owner.id, params: { id: fileId } })
    await call("GET /api/files/{id}", { as: admin.id, params: { id: fileId } })
    await call("GET /api/files/{id}/download", { as: owner.id, params: { id: fileId } })
    await call("POST /api/files/download", { as: owner.id, body: { ids: [fileId, "c".padEnd(25, "0")] } })
    await call("POST /api/files/download", { as: owner.id, body: { ids: [] } })
  })

  it("shares, their detail, recipients and switches", async () => {
    const { json: one } = await call<{ share: { id: string; url: string } }>("POST /api/files/{id}/shares", {
      as: owner.id,
      params: { id: fileId },
      body: { maxDownloads: 5 },
    })
    shareId = one.share.id
    await call("GET /api/files/{id}/shares", { as: owner.id, params: { id: fileId } })
    const { json: many } = await call<{ share: { id: string; url: string } }>("POST /api/shares", {
      as: owner.id,
      body: { fileIds: [fileId, textFileId], title: "Both", recipients: ["friend@contract.test"] },
    })
    multiShare = { id: many.share.id, token: new URL(many.share.url).pathname.split("/").at(-1) ?? "" }
    await call("GET /api/shares", { as: owner.id })
    await call("GET /api/shares/{id}", { as: owner.id, params: { id: shareId } })
    await call("GET /api/shares/{id}", { as: admin.id, params: { id: shareId } })
    await call("PATCH /api/shares/{id}", { as: owner.id, params: { id: shareId }, body: { title: "Report" } })
    await call("PATCH /api/shares/{id}", { as: owner.id, params: { id: shareId }, body: { colour: "red" } })
    await call("PATCH /api/shares/{id}/notifications", {
      as: owner.id,
      params: { id: shareId },
      body: { notifyDownloads: true },
    })
    await call("POST /api/shares/{id}/recipients", {
      as: owner.id,
      params: { id: shareId },
      body: { recipients: ["other@contract.test"] },
    })
    await call("GET /api/shares/{id}/recipients", { as: owner.id, params: { id: shareId } })
  })

  it("share links as their recipients call them", async () => {
    const { json: one } = await call<{ share: { id: string; url: string } }>("GET /api/shares/{id}", {
      as: owner.id,
      params: { id: shareId },
    })
    const token = new URL(one.share.url).pathname.split("/").at(-1) ?? ""
    await call("HEAD /s/{token}/download", { params: { token } })
    await call("GET /s/{token}/download", { params: { token } })
    await call("GET /s/{token}/download", { params: { token: multiShare.token } })
    const json = { accept: "application/json" }
    const { json: started } = await call<{ ticket: string }>("POST /s/{token}/download-all", {
      params: { token: multiShare.token },
    })
    await call("POST /s/{token}/files/{fileId}/download", {
      params: { token: multiShare.token, fileId },
      body: { ticket: started.ticket },
      headers: json,
    })
    await call("GET /s/{token}/files/{fileId}/download", { params: { token: multiShare.token, fileId }, headers: json })
    await call("GET /s/{token}/files/{fileId}/preview", {
      params: { token: multiShare.token, fileId: textFileId },
      headers: json,
    })
    await call("POST /s/{token}/files/{fileId}/preview", {
      params: { token: multiShare.token, fileId: textFileId },
      body: {},
      headers: json,
    })
    const { json: locked } = await call<{ share: { url: string } }>("POST /api/files/{id}/shares", {
      as: owner.id,
      params: { id: textFileId },
      body: { password: "open sesame" },
    })
    const lockedToken = new URL(locked.share.url).pathname.split("/").at(-1) ?? ""
    await call("POST /s/{token}/download", { params: { token: lockedToken }, body: { password: "wrong one" } })
    await call("POST /s/{token}/unlock", { params: { token: lockedToken }, body: { password: "open sesame" } })
    await call("POST /s/{token}/download", { params: { token: lockedToken }, body: { password: "open sesame" } })
    await call("DELETE /api/shares/{id}", { as: owner.id, params: { id: shareId } })
    await call("GET /s/{token}/download", { params: { token } })
  })

  it("upload requests and their senders", async () => {
    const { json: created } = await call<{ uploadRequest: { id: string; url: string } }>("POST /api/upload-requests", {
      as: owner.id,
      body: { title: "Slides", password: "let me in", allowedTypes: ["text/*"] },
    })
    const id = created.uploadRequest.id as string
    const token = new URL(created.uploadRequest.url).pathname.split("/")[2] ?? ""
    await call("GET /api/upload-requests", { as: owner.id })
    await call("POST /api/r/{token}/password", { params: { token }, headers: { "x-upload-password": "let me in" } })
    await call("POST /api/r/{token}/password", { params: { token }, headers: { "x-upload-password": "nope" } })
    const { json: unlocked } = await call<{ session: { token: string } }>("POST /api/r/{token}/session", {
      params: { token },
      body: { password: "let me in" },
    })
    const sender = { "x-upload-session": unlocked.session.token }
    const data = new Uint8Array(randomBytes(300))
    const { json: granted } = await call<Granted>("POST /api/r/{token}/uploads", {
      params: { token },
      headers: sender,
      body: { name: "slides.txt", size: data.length, type: "text/plain" },
    })
    await call("POST /api/r/{token}/uploads", {
      params: { token },
      headers: sender,
      body: { name: "slides.png", size: 10, type: "image/png" },
    })
    expect((await fetch(granted.upload.url, { method: "PUT", body: data, headers: granted.upload.headers })).ok).toBe(
      true,
    )
    await call("POST /api/r/{token}/uploads/{id}/complete", {
      params: { token, id: granted.upload.id },
      headers: sender,
    })
    const { json: big } = await call<Granted>("POST /api/r/{token}/uploads", {
      params: { token },
      headers: sender,
      body: { name: "big.txt", size: 6 * MIB, type: "text/plain" },
    })
    const upload = { token, id: big.upload.id as string }
    await call("POST /api/r/{token}/uploads/{id}/parts", {
      params: upload,
      headers: sender,
      body: { partNumbers: [1] },
    })
    await call("GET /api/r/{token}/uploads/{id}/parts", { params: upload, headers: sender })
    await call("DELETE /api/r/{token}/uploads/{id}", { params: upload, headers: sender })
    await call("GET /api/upload-requests/{id}", { as: owner.id, params: { id } })
    await call("POST /api/upload-requests/{id}/close", { as: owner.id, params: { id } })
    await call("POST /api/r/{token}/session", { params: { token }, body: { password: "let me in" } })
  })

  it("webhooks", async () => {
    const { json: created } = await call<{ webhook: { id: string } }>("POST /api/webhooks", {
      as: owner.id,
      body: { url: "http://127.0.0.1:9/hook", events: ["file.uploaded"] },
    })
    const id = created.webhook.id as string
    await call("POST /api/webhooks", {
      as: owner.id,
      body: { url: "http://169.254.169.254/", events: ["file.uploaded"] },
    })
    await call("GET /api/webhooks", { as: owner.id })
    await call("POST /api/webhooks/{id}/test", { as: owner.id, params: { id } })
    await call("GET /api/webhooks/{id}/deliveries", { as: owner.id, params: { id } })
    await call("DELETE /api/webhooks/{id}", { as: owner.id, params: { id } })
  })

  it("the admin console's API", async () => {
    await call("GET /api/admin/overview", { as: admin.id })
    await call("GET /api/admin/overview", { as: owner.id })
    await call("GET /api/admin/users", { as: admin.id, query: { limit: "2" } })
    const { json: made } = await call<{ user: { id: string } }>("POST /api/admin/users", {
      as: admin.id,
      body: { email: "made@contract.test", password: "perfectly-fine-7" },
    })
    await call("PATCH /api/admin/users/{id}", { as: admin.id, params: { id: made.user.id }, body: { quotaBytes: MIB } })
    await call("DELETE /api/admin/users/{id}/totp", { as: admin.id, params: { id: made.user.id } })
    await call("POST /api/admin/invites", { as: admin.id, body: { email: "invited@contract.test" } })
    await call("GET /api/admin/files", { as: admin.id, query: { minSize: "1" } })
    await call("GET /api/admin/shares", { as: admin.id, query: { state: "revoked" } })
    await call("GET /api/admin/shares", { as: admin.id })
    await call("POST /api/admin/shares/revoke", { as: admin.id, body: { ids: [multiShare.id] } })
    await call("POST /api/admin/shares/{id}/revoke", { as: admin.id, params: { id: multiShare.id } })
    await call("GET /api/admin/audit", { as: admin.id, query: { limit: "200" } })
    await call("GET /api/admin/audit", { as: admin.id, query: { from: "2026-02-30x" } })
    const { json: selfTest } = await call<{ checks: unknown[] }>("POST /api/admin/storage-check", { as: admin.id })
    expect(selfTest.checks.length).toBeGreaterThan(3)
    await call("POST /api/admin/storage-check", { as: owner.id })
    await call("DELETE /api/admin/files/{id}", { as: admin.id, params: { id: textFileId } })
    await call("DELETE /api/files/{id}", { as: owner.id, params: { id: fileId } })
  })

  it("health, metrics while off, and the document itself", async () => {
    await call("GET /api/health")
    // METRICS_TOKEN is unset here: the route is off and answers the documented 404.
    expect((await call("GET /metrics")).response.status).toBe(404)
    const { response, json } = await call<{ paths: object }>("GET /api/openapi.json")
    expect(response.headers.get("cache-control")).toMatch(/public/)
    expect(Object.keys(json.paths).length).toBeGreaterThan(40)
  })

  it("saw every operation that answers JSON", () => {
    const checked = checkedOperations()
    expect(jsonOperations().filter((key) => !checked.has(key))).toEqual([])
  })
})
