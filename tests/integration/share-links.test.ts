import { randomBytes } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { apiRequest, APP_ORIGIN, browserHeaders, captureLogs, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { isAzure, SIGNATURE_PATTERN, STORED } from "@/tests/support/storage-profile"

/**
 * Links holding several files (issue 16), against real PostgreSQL and each real S3 server: the
 * contract, edits, counting (with a race across files), previews with their pinned types and
 * Range, revocation on every recipient route, the unlock cookie and the access log.
 */
const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let routes: {
  grant: typeof import("@/app/api/uploads/route").POST
  complete: typeof import("@/app/api/uploads/[id]/complete/route").POST
  deleteFile: typeof import("@/app/api/files/[id]/route").DELETE
  create: typeof import("@/app/api/shares/route").POST
  detail: typeof import("@/app/api/shares/[id]/route").GET
  update: typeof import("@/app/api/shares/[id]/route").PATCH
  revoke: typeof import("@/app/api/shares/[id]/route").DELETE
  fileDownload: typeof import("@/app/s/[token]/files/[fileId]/download/route").GET
  preview: typeof import("@/app/s/[token]/files/[fileId]/preview/route").GET
  downloadAll: typeof import("@/app/s/[token]/download-all/route").POST
  unlock: typeof import("@/app/s/[token]/unlock/route").POST
  legacyDownload: typeof import("@/app/s/[token]/download/route").GET
}
let shares: typeof import("@/lib/shares")
let admin: { id: string }
let owner: { id: string }
let stranger: { id: string }
const logged: string[] = []
const issuedTokens: string[] = []

type FileBody = { id: string; name: string; size: number; type: string }
type ShareBody = {
  id: string
  url: string
  title: string | null
  files: FileBody[]
  expiresAt: string | null
  maxDownloads: number | null
  downloads: number
}

const params = <T extends Record<string, string>>(values: T) => ({ params: Promise.resolve(values) })
const count = async (table: string) =>
  Number((await query<{ count: string }>(database.url, `SELECT count(*) FROM "${table}"`))[0]?.count)
const tokenOf = (url: string) => new URL(url).pathname.split("/").at(-1) ?? ""
const UA = "share-links-test/1.0"

async function uploadFile(
  name: string,
  type: string,
  data: Uint8Array<ArrayBuffer> = new Uint8Array(randomBytes(64)),
  userId = owner.id,
) {
  const headers = await browserHeaders(userId)
  const granted = await routes.grant(
    apiRequest("POST", "/api/uploads", { body: { name, size: data.length, type }, headers }),
  )
  expect(granted.status, await granted.clone().text()).toBe(201)
  const { upload } = await granted.json()
  expect((await fetch(upload.url, { method: "PUT", body: data, headers: upload.headers })).status).toBe(STORED)
  const completed = await routes.complete(
    apiRequest("POST", `/api/uploads/${upload.id}/complete`, { headers }),
    params({ id: upload.id }),
  )
  expect(completed.status).toBe(201)
  const { file } = await completed.json()
  return { id: file.id as string, data, type }
}

async function createLink(body: Record<string, unknown>, userId = owner.id) {
  return routes.create(apiRequest("POST", "/api/shares", { body, headers: await browserHeaders(userId) }))
}

async function createLinkOk(body: Record<string, unknown>): Promise<ShareBody & { token: string }> {
  const response = await createLink(body)
  expect(response.status, await response.clone().text()).toBe(201)
  const { share } = await response.json()
  issuedTokens.push(tokenOf(share.url))
  return { ...share, token: tokenOf(share.url) }
}

type Recipient = { ip?: string; cookie?: string; json?: boolean; body?: Record<string, unknown>; range?: string }

function recipientRequest(method: string, path: string, options: Recipient = {}) {
  const headers: Record<string, string> = { "x-forwarded-for": options.ip ?? "198.51.100.7", "user-agent": UA }
  if (options.cookie) headers.cookie = options.cookie
  if (options.json) headers.accept = "application/json"
  return apiRequest(method, path, { headers, body: options.body })
}

const downloadFile = (token: string, fileId: string, options: Recipient = {}) =>
  routes.fileDownload(
    recipientRequest(options.body ? "POST" : "GET", `/s/${token}/files/${fileId}/download`, options),
    params({ token, fileId }),
  )
const previewFile = (token: string, fileId: string, options: Recipient = {}) =>
  routes.preview(recipientRequest("GET", `/s/${token}/files/${fileId}/preview`, options), params({ token, fileId }))
const startZip = (token: string, options: Recipient = {}) =>
  routes.downloadAll(recipientRequest("POST", `/s/${token}/download-all`, options), params({ token }))
const unlock = (token: string, password: string, options: Recipient = {}) =>
  routes.unlock(recipientRequest("POST", `/s/${token}/unlock`, { ...options, body: { password } }), params({ token }))

async function errorCode(response: Response) {
  return ((await response.json()) as { error: { code: string } }).error.code
}

beforeAll(async () => {
  database = await useFreshDatabase()
  captureLogs(logged)
  routes = {
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
  }
  shares = await import("@/lib/shares")
  const { registerUser } = await import("@/lib/accounts")
  admin = await registerUser({ email: "admin@example.com", password: "perfectly-fine-0" })
  owner = await registerUser({ email: "owner@example.com", password: "perfectly-fine-1" })
  stranger = await registerUser({ email: "stranger@example.com", password: "perfectly-fine-2" })
})

afterAll(async () => {
  vi.restoreAllMocks()
  await database.cleanUp()
})

describe(`links with several files on ${PROFILE} storage`, () => {
  it("creates one link for several files, in order, with title and message, listing each file", async () => {
    const a = await uploadFile("a.txt", "text/plain")
    const b = await uploadFile("b.png", "image/png")
    const share = await createLinkOk({
      fileIds: [b.id, a.id],
      title: "Holiday",
      message: "Line one\nline two",
      maxDownloads: 3,
      expiresIn: 3600,
    })
    expect(share).toMatchObject({
      title: "Holiday",
      maxDownloads: 3,
      downloads: 0,
      files: [
        { id: b.id, name: "b.png", size: 64, type: "image/png" },
        { id: a.id, name: "a.txt", size: 64, type: "text/plain" },
      ],
    })
    expect(share.url).toMatch(new RegExp(`^${APP_ORIGIN}/s/[A-Za-z0-9_-]{43}$`))
    expect(await shares.describeShare(share.token)).toMatchObject({
      state: "active",
      title: "Holiday",
      message: "Line one\nline two",
      totalSize: 128,
    })
    // The one-file route refuses a link with several files instead of picking one.
    const legacy = await routes.legacyDownload(
      recipientRequest("GET", `/s/${share.token}/download`),
      params({ token: share.token }),
    )
    expect(legacy.status).toBe(409)
    expect(await errorCode(legacy)).toBe("share_has_many_files")
  })

  it("answers 404 and creates nothing when any id is not the caller's file", async () => {
    const mine = await uploadFile("mine.bin", "application/octet-stream")
    const theirs = await uploadFile("theirs.bin", "application/octet-stream", undefined, stranger.id)
    const before = [await count("Share"), await count("ShareFile")]
    for (const fileIds of [[mine.id, theirs.id], [theirs.id], [mine.id, "cl000000000000000000000000"]]) {
      const response = await createLink({ fileIds })
      expect(response.status).toBe(404)
      expect(await errorCode(response)).toBe("not_found")
    }
    expect([await count("Share"), await count("ShareFile")]).toEqual(before)
    const tooMany = await createLink({ fileIds: Array.from({ length: 501 }, (_, index) => `f${index}`) })
    expect(tooMany.status).toBe(400)
  })

  it("edits a live link (owner or admin, 404 for anyone else), removing a password with null", async () => {
    const file = await uploadFile("edit.bin", "application/octet-stream")
    const share = await createLinkOk({ fileIds: [file.id], password: "first-secret" })
    const patch = async (body: unknown, userId = owner.id) =>
      routes.update(
        apiRequest("PATCH", `/api/shares/${share.id}`, { body, headers: await browserHeaders(userId) }),
        params({ id: share.id }),
      )

    expect((await downloadFile(share.token, file.id)).status).toBe(401)
    const edited = await patch({ title: "New title", message: "Hello", maxDownloads: 9, expiresIn: 7200 })
    expect(edited.status).toBe(200)
    expect((await edited.json()).share).toMatchObject({
      title: "New title",
      message: "Hello",
      maxDownloads: 9,
      hasPassword: true,
    })

    expect((await patch({ title: "Mine now" }, stranger.id)).status).toBe(404)
    expect((await patch({ message: "Checked by an admin" }, admin.id)).status).toBe(200)

    // Removing the password: the next request needs none.
    const removed = await patch({ password: null })
    expect((await removed.json()).share.hasPassword).toBe(false)
    expect((await downloadFile(share.token, file.id)).status).toBe(302)
    // A new password locks it again, and the old one does not open it.
    await patch({ password: "second-secret" })
    expect((await downloadFile(share.token, file.id, { body: { password: "first-secret" } })).status).toBe(401)
    expect((await downloadFile(share.token, file.id, { body: { password: "second-secret" } })).status).toBe(302)
    // Clearing title and the limit.
    const cleared = await (await patch({ title: null, maxDownloads: null })).json()
    expect(cleared.share).toMatchObject({ title: null, maxDownloads: null })

    await routes.revoke(
      apiRequest("DELETE", `/api/shares/${share.id}`, { headers: await browserHeaders(owner.id) }),
      params({ id: share.id }),
    )
    const dead = await patch({ maxDownloads: 100 })
    expect(dead.status).toBe(409)
    expect(await errorCode(dead)).toBe("share_not_active")
  })

  it("counts a file download or a whole zip as one, never a view or a preview", async () => {
    const png = await uploadFile("count.png", "image/png")
    const text = await uploadFile("count.txt", "text/plain")
    const share = await createLinkOk({ fileIds: [png.id, text.id], maxDownloads: 2 })
    await shares.recordShareView({ token: share.token, ip: "198.51.100.9", userAgent: UA })
    for (let index = 0; index < 5; index += 1) expect((await previewFile(share.token, png.id)).status).toBe(302)

    const first = await downloadFile(share.token, text.id, { json: true })
    expect(first.status).toBe(200)
    const answered = (await first.json()) as { url: string; remainingDownloads: number }
    expect(answered).toMatchObject({ url: expect.stringMatching(SIGNATURE_PATTERN), remainingDownloads: 1 })
    // Azure: the key reads the snapshot completion verified, not the blob a write key could change.
    if (isAzure) expect(new URL(answered.url).searchParams.get("snapshot")).toBeTruthy()

    const zip = await startZip(share.token)
    expect(zip.status).toBe(200)
    const started = (await zip.json()) as { ticket: string; files: FileBody[]; remainingDownloads: number }
    expect(started.files.map((file) => file.id)).toEqual([png.id, text.id])
    expect(started.remainingDownloads).toBe(0)

    // The zip was the last download: its files still come through the ticket, each its own key…
    for (const file of [png, text]) {
      const response = await downloadFile(share.token, file.id, { body: { ticket: started.ticket } })
      expect(response.status).toBe(302)
      const fetched = await fetch(response.headers.get("location") ?? "")
      expect(new Uint8Array(await fetched.arrayBuffer())).toEqual(file.data)
    }
    // …once each: the same ticket replayed cannot fetch a file again uncounted…
    expect(await errorCode(await downloadFile(share.token, png.id, { body: { ticket: started.ticket } }))).toBe(
      "share_used_up",
    )
    // …and nothing else does, and a forged ticket counts as none.
    expect(await errorCode(await downloadFile(share.token, png.id))).toBe("share_used_up")
    expect(
      await errorCode(
        await downloadFile(share.token, png.id, { body: { ticket: `${started.ticket.slice(0, -2)}AA` } }),
      ),
    ).toBe("share_used_up")
    expect(await errorCode(await startZip(share.token))).toBe("share_used_up")
    const [row] = await query<{ downloads: number }>(database.url, `SELECT downloads FROM "Share" WHERE id = $1`, [
      share.id,
    ])
    expect(row?.downloads).toBe(2)
  })

  it("admits exactly N of many concurrent downloads racing across different files of one link", async () => {
    const files = await Promise.all(
      ["r1.bin", "r2.bin", "r3.bin"].map((name) => uploadFile(name, "application/octet-stream")),
    )
    const share = await createLinkOk({ fileIds: files.map((file) => file.id), maxDownloads: 4 })
    const attempts = Array.from({ length: 30 }, (_, index) =>
      index % 5 === 4
        ? startZip(share.token, { ip: `203.0.113.${index}` })
        : downloadFile(share.token, files[index % 3]?.id ?? "", { ip: `203.0.113.${index}` }),
    )
    const statuses = (await Promise.all(attempts)).map((response) => response.status)
    expect(statuses.filter((status) => status === 302 || status === 200)).toHaveLength(4)
    expect(statuses.filter((status) => status === 410)).toHaveLength(26)
    const [row] = await query<{ downloads: number }>(database.url, `SELECT downloads FROM "Share" WHERE id = $1`, [
      share.id,
    ])
    expect(row?.downloads).toBe(4)
    const events = await query<{ n: string }>(
      database.url,
      `SELECT count(*) AS n FROM "ShareEvent" WHERE "shareId" = $1 AND kind IN ('download', 'download_all')`,
      [share.id],
    )
    expect(Number(events[0]?.n)).toBe(4)
  })

  it("previews only types that cannot run script, inline with the pinned type; Range works on the key", async () => {
    const bytes = new Uint8Array(randomBytes(4096))
    const cases = [
      { name: "p.png", type: "image/png", pinned: "image/png" },
      { name: "v.mp4", type: "video/mp4", pinned: "video/mp4" },
      { name: "d.pdf", type: "application/pdf", pinned: "application/pdf" },
      { name: "t.txt", type: "text/plain", pinned: "text/plain; charset=utf-8" },
      { name: "c.csv", type: "text/csv", pinned: "text/plain; charset=utf-8" },
    ]
    const refused = [
      "text/html",
      "image/svg+xml",
      "application/xml",
      "text/xml",
      "application/octet-stream",
      "application/xhtml+xml",
    ]
    const shown = await Promise.all(cases.map((each) => uploadFile(each.name, each.type, bytes)))
    const hidden = await Promise.all(refused.map((type, index) => uploadFile(`r${index}.bin`, type)))
    const share = await createLinkOk({ fileIds: [...shown, ...hidden].map((file) => file.id) })

    for (const file of hidden) {
      const response = await previewFile(share.token, file.id)
      expect(response.status, file.type).toBe(404)
      expect(await errorCode(response)).toBe("no_preview")
    }
    for (const [index, each] of cases.entries()) {
      const response = await previewFile(share.token, shown[index]?.id ?? "")
      expect(response.status, each.type).toBe(302)
      expect(response.headers.get("referrer-policy")).toBe("no-referrer")
      const fetched = await fetch(response.headers.get("location") ?? "")
      expect(fetched.status).toBe(200)
      expect(fetched.headers.get("content-type"), each.type).toBe(each.pinned)
      expect(fetched.headers.get("content-disposition"), each.type).toMatch(/^inline;/)
      await fetched.arrayBuffer()
    }

    // A player's Range request through the preview key, cross-origin as the page makes it.
    const video = await previewFile(share.token, shown[1]?.id ?? "", { json: true })
    const { url, expiresAt } = (await video.json()) as { url: string; expiresAt: string }
    if (isAzure) expect(new URL(url).searchParams.get("snapshot")).toBeTruthy()
    const ttl = (new Date(expiresAt).getTime() - Date.now()) / 1000
    expect(ttl).toBeGreaterThan(590)
    expect(ttl).toBeLessThanOrEqual(600)
    const ranged = await fetch(url, { headers: { Range: "bytes=1000-1999", Origin: APP_ORIGIN } })
    expect(ranged.status).toBe(206)
    expect(ranged.headers.get("content-range")).toBe("bytes 1000-1999/4096")
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(bytes.slice(1000, 2000))
    expect(ranged.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN)
    expect(ranged.headers.get("access-control-expose-headers") ?? "").toMatch(/content-range/i)
  })

  it("unlocks a password link with a signed, httpOnly cookie scoped to the link, ended by a new password", async () => {
    const file = await uploadFile("locked.png", "image/png")
    const share = await createLinkOk({ fileIds: [file.id], password: "open-sesame" })
    expect(await errorCode(await previewFile(share.token, file.id))).toBe("password_required")
    expect(await errorCode(await unlock(share.token, "wrong-guess"))).toBe("wrong_password")

    const unlocked = await unlock(share.token, "open-sesame")
    expect(unlocked.status).toBe(204)
    const setCookie = unlocked.headers.get("set-cookie") ?? ""
    expect(setCookie).toMatch(
      new RegExp(`^valet_share_unlock=[^;]+; Path=/s/${share.token}; Max-Age=1800; HttpOnly; SameSite=Lax`),
    )
    const cookie = setCookie.split(";")[0] ?? ""
    expect((await previewFile(share.token, file.id, { cookie })).status).toBe(302)
    expect((await downloadFile(share.token, file.id, { cookie })).status).toBe(302)
    expect(await shares.isShareUnlocked(share.token, cookie.split("=")[1])).toBe(true)

    // Another link's cookie value opens nothing here.
    const other = await createLinkOk({ fileIds: [file.id], password: "open-sesame" })
    expect((await previewFile(other.token, file.id, { cookie })).status).toBe(401)

    await routes.update(
      apiRequest("PATCH", `/api/shares/${share.id}`, {
        body: { password: "changed-now" },
        headers: await browserHeaders(owner.id),
      }),
      params({ id: share.id }),
    )
    expect((await previewFile(share.token, file.id, { cookie })).status).toBe(401)
  })

  it("answers 410 on every recipient route right after revocation", async () => {
    const file = await uploadFile("revoked.png", "image/png")
    const share = await createLinkOk({ fileIds: [file.id] })
    const zip = (await (await startZip(share.token)).json()) as { ticket: string }
    expect((await previewFile(share.token, file.id)).status).toBe(302)
    const revoked = await routes.revoke(
      apiRequest("DELETE", `/api/shares/${share.id}`, { headers: await browserHeaders(owner.id) }),
      params({ id: share.id }),
    )
    expect(revoked.status).toBe(204)
    const answers = [
      await downloadFile(share.token, file.id),
      await downloadFile(share.token, file.id, { body: { ticket: zip.ticket } }),
      await previewFile(share.token, file.id),
      await routes.preview(
        recipientRequest("POST", `/s/${share.token}/files/${file.id}/preview`, { body: {} }),
        params({ token: share.token, fileId: file.id }),
      ),
      await startZip(share.token),
      await unlock(share.token, "anything"),
      await routes.legacyDownload(
        recipientRequest("GET", `/s/${share.token}/download`),
        params({ token: share.token }),
      ),
    ]
    for (const answer of answers) {
      expect(answer.status).toBe(410)
      expect(await errorCode(answer)).toBe("share_revoked")
    }
    // Deleting a file revokes the links holding it too.
    const kept = await uploadFile("kept.png", "image/png")
    const doomed = await uploadFile("doomed.png", "image/png")
    const both = await createLinkOk({ fileIds: [kept.id, doomed.id] })
    await routes.deleteFile(
      apiRequest("DELETE", `/api/files/${doomed.id}`, { headers: await browserHeaders(owner.id) }),
      params({ id: doomed.id }),
    )
    expect(await errorCode(await previewFile(both.token, kept.id))).toBe("share_revoked")
  })

  it("keeps an access log, newest first and paged, with truncated addresses", async () => {
    const png = await uploadFile("log.png", "image/png")
    const share = await createLinkOk({ fileIds: [png.id] })
    await shares.recordShareView({ token: share.token, ip: "192.0.2.77", userAgent: UA })
    await previewFile(share.token, png.id, { ip: "2001:db8:abcd:12::1" })
    await downloadFile(share.token, png.id, { ip: "::ffff:203.0.113.200" })
    await startZip(share.token, { ip: "198.51.100.250" })

    const detail = async (search = "", userId = owner.id) =>
      routes.detail(
        apiRequest("GET", `/api/shares/${share.id}${search}`, { headers: await browserHeaders(userId) }),
        params({ id: share.id }),
      )
    const body = await (await detail()).json()
    expect(body.share).toMatchObject({ id: share.id, files: [{ id: png.id }] })
    expect(body.events).toEqual([
      {
        id: expect.any(String),
        at: expect.any(String),
        kind: "download_all",
        fileId: null,
        ip: "198.51.100.0/24",
        userAgent: UA,
      },
      {
        id: expect.any(String),
        at: expect.any(String),
        kind: "download",
        fileId: png.id,
        ip: "203.0.113.0/24",
        userAgent: UA,
      },
      {
        id: expect.any(String),
        at: expect.any(String),
        kind: "preview",
        fileId: png.id,
        ip: "2001:db8:abcd::/48",
        userAgent: UA,
      },
      { id: expect.any(String), at: expect.any(String), kind: "view", fileId: null, ip: "192.0.2.0/24", userAgent: UA },
    ])
    const first = await (await detail("?limit=3")).json()
    expect(first.events).toHaveLength(3)
    const second = await (await detail(`?limit=3&cursor=${first.nextCursor}`)).json()
    expect(second.events.map((event: { kind: string }) => event.kind)).toEqual(["view"])
    expect(second.nextCursor).toBeNull()
    expect((await detail("", stranger.id)).status).toBe(404)
    // An admin manages the link but does not get it: only its owner can copy the URL again.
    expect((await (await detail("", admin.id)).json()).share.url).toBeNull()
    expect(body.share.url).toBe(share.url)
    const [row] = await query<{ tokenSealed: string }>(
      database.url,
      `SELECT "tokenSealed" FROM "Share" WHERE id = $1`,
      [share.id],
    )
    expect(row?.tokenSealed).not.toContain(share.token)
  })

  it("never logged a share token, presigned URL or signature", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    for (const token of issuedTokens) expect(text).not.toContain(token)
  })
})
