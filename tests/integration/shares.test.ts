import { createHash, randomBytes } from "node:crypto"
import contentDisposition from "content-disposition"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { apiRequest, APP_ORIGIN, browserHeaders, captureLogs, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { isAzure, keyLifetimeSeconds, objectPathOf, SIGNATURE_PATTERN, STORED } from "@/tests/support/storage-profile"

/**
 * The file, share and public-link rows of the API against real PostgreSQL and, once per run, each
 * real S3 server: every redirect is followed with fetch, and storage's own refusals are asserted.
 */
const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
// Download keys live 2 s in this file instead of 60 s, so "a key fetched after it expired is
// refused by storage" takes 3 s rather than 61 s; it is the same property (storage enforces
// X-Amz-Expires), with the production TTL checked separately against the env default.
const DOWNLOAD_TTL_SECONDS = 2

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let routes: {
  grant: typeof import("@/app/api/uploads/route").POST
  complete: typeof import("@/app/api/uploads/[id]/complete/route").POST
  deleteFile: typeof import("@/app/api/files/[id]/route").DELETE
  createShare: typeof import("@/app/api/files/[id]/shares/route").POST
  fileShares: typeof import("@/app/api/files/[id]/shares/route").GET
  listShares: typeof import("@/app/api/shares/route").GET
  revokeShare: typeof import("@/app/api/shares/[id]/route").DELETE
  downloadGet: typeof import("@/app/s/[token]/download/route").GET
  downloadPost: typeof import("@/app/s/[token]/download/route").POST
  downloadHead: typeof import("@/app/s/[token]/download/route").HEAD
}
let storage: typeof import("@/lib/storage")
let shares: typeof import("@/lib/shares")
let admin: { id: string }
let owner: { id: string }
let stranger: { id: string }
const logged: string[] = []
const issuedTokens: string[] = []

type ShareBody = {
  id: string
  url: string
  expiresAt: string | null
  maxDownloads: number | null
  downloads: number
  state: string
  hasPassword: boolean
}

const params = <T extends string>(name: T, value: string) => ({
  params: Promise.resolve({ [name]: value } as Record<T, string>),
})
const sha256Hex = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex")
const count = async (table: string) =>
  Number((await query<{ count: string }>(database.url, `SELECT count(*) FROM "${table}"`))[0]?.count)
const tokenOf = (url: string) => new URL(url).pathname.split("/").at(-1) ?? ""

/** Uploads bytes through the real grant → PUT → complete flow; the file's id and object key. */
async function uploadFile(
  name: string,
  data: Uint8Array<ArrayBuffer> = new Uint8Array(randomBytes(64)),
  userId = owner.id,
  type = "application/octet-stream",
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
    params("id", upload.id),
  )
  expect(completed.status).toBe(201)
  const { file } = await completed.json()
  const [row] = await query<{ objectKey: string }>(database.url, `SELECT "objectKey" FROM "File" WHERE id = $1`, [
    file.id,
  ])
  return { id: file.id as string, objectKey: row?.objectKey ?? "", data }
}

async function createShare(fileId: string, input: unknown = {}, userId = owner.id) {
  return routes.createShare(
    apiRequest("POST", `/api/files/${fileId}/shares`, { body: input, headers: await browserHeaders(userId) }),
    params("id", fileId),
  )
}

async function createShareOk(fileId: string, input: unknown = {}): Promise<ShareBody> {
  const response = await createShare(fileId, input)
  expect(response.status, await response.clone().text()).toBe(201)
  const { share } = await response.json()
  issuedTokens.push(tokenOf(share.url))
  return share
}

type DownloadOptions = { password?: string; ip?: string; form?: boolean }

/** What a recipient's browser or curl sends: GET without a password, POST (JSON or form) with one. */
async function download(token: string, options: DownloadOptions = {}) {
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

const shareRow = async (shareId: string) =>
  (
    await query<{ downloads: number; revokedAt: Date | null; fileId: string | null; revokedById: string | null }>(
      database.url,
      `SELECT downloads, "revokedAt", (SELECT "fileId" FROM "ShareFile" WHERE "shareId" = $1 ORDER BY position LIMIT 1) AS "fileId",
       "revokedById" FROM "Share" WHERE id = $1`,
      [shareId],
    )
  )[0]

beforeAll(async () => {
  database = await useFreshDatabase({ DOWNLOAD_URL_TTL_SECONDS: String(DOWNLOAD_TTL_SECONDS) })
  captureLogs(logged)
  routes = {
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
  }
  storage = await import("@/lib/storage")
  shares = await import("@/lib/shares")
  const { registerUser } = await import("@/lib/accounts")
  // The first account is the admin; owner and stranger are plain users.
  admin = await registerUser({ email: "admin@example.com", password: "perfectly-fine-0" })
  owner = await registerUser({ email: "owner@example.com", password: "perfectly-fine-1" })
  stranger = await registerUser({ email: "stranger@example.com", password: "perfectly-fine-2" })
})

afterAll(async () => {
  vi.restoreAllMocks()
  await database.cleanUp()
})

describe(`shares on ${PROFILE} storage`, () => {
  describe("creating a link", () => {
    it("returns the URL once and stores only a hash of its 256-bit token", async () => {
      const file = await uploadFile("report.pdf")
      const share = await createShareOk(file.id, { expiresIn: 3600, maxDownloads: 3 })
      expect(share).toMatchObject({ state: "active", maxDownloads: 3, downloads: 0, hasPassword: false })
      expect(share.url).toMatch(new RegExp(`^${APP_ORIGIN}/s/[A-Za-z0-9_-]{43}$`))
      expect(new Date(share.expiresAt ?? 0).getTime() - Date.now()).toBeGreaterThan(3590_000)

      const token = tokenOf(share.url)
      const [row] = await query<Record<string, unknown>>(database.url, `SELECT * FROM "Share" WHERE id = $1`, [
        share.id,
      ])
      expect(row?.tokenHash).toBe(sha256Hex(token))
      expect(JSON.stringify(row)).not.toContain(token)

      const listed = await (
        await routes.listShares(apiRequest("GET", "/api/shares", { headers: await browserHeaders(owner.id) }))
      ).json()
      // The owner's own list gives the link back (sealed in the row, see issue 16), nobody else's does.
      expect(listed.shares.find((entry: { id: string }) => entry.id === share.id)?.url).toBe(share.url)
      const strangers = await (
        await routes.listShares(apiRequest("GET", "/api/shares", { headers: await browserHeaders(stranger.id) }))
      ).json()
      expect(JSON.stringify(strangers)).not.toContain(token)
    })

    it("uses the default expiry when none is given, never-expiring links when asked, and hashes a password", async () => {
      const file = await uploadFile("defaults.txt")
      const defaulted = await createShareOk(file.id)
      expect(new Date(defaulted.expiresAt ?? 0).getTime() - Date.now()).toBeGreaterThan(7 * 86_400_000 - 60_000)
      const never = await createShareOk(file.id, { expiresIn: null, password: "open sesame" })
      expect(never).toMatchObject({ expiresAt: null, hasPassword: true })
      const [row] = await query<{ passwordHash: string }>(
        database.url,
        `SELECT "passwordHash" FROM "Share" WHERE id = $1`,
        [never.id],
      )
      expect(row?.passwordHash).toMatch(/^\$argon2id\$/)

      const perFile = await (
        await routes.fileShares(
          apiRequest("GET", `/api/files/${file.id}/shares`, { headers: await browserHeaders(owner.id) }),
          params("id", file.id),
        )
      ).json()
      expect(perFile.shares.map((entry: { id: string }) => entry.id)).toEqual([never.id, defaulted.id])
    })

    it.each([
      ["an expiry under a minute", { expiresIn: 10 }, "expiresIn"],
      ["an expiry as text", { expiresIn: "1h" }, "expiresIn"],
      ["a download limit of 0", { maxDownloads: 0 }, "maxDownloads"],
      ["a fractional download limit", { maxDownloads: 1.5 }, "maxDownloads"],
      ["a three-character password", { password: "abc" }, "password"],
      ["a password that is not text", { password: 1234 }, "password"],
    ])("answers 400 for %s and creates nothing", async (_case, input, field) => {
      const file = await uploadFile("bad-input.txt")
      const before = await count("Share")
      const response = await createShare(file.id, input)
      expect(response.status).toBe(400)
      expect((await response.json()).error.issues.map((issue: { path: string }) => issue.path)).toContain(field)
      expect(await count("Share")).toBe(before)
    })

    it("answers 400 for malformed JSON and 401 without credentials", async () => {
      const file = await uploadFile("auth.txt")
      const before = await count("Share")
      const malformed = await routes.createShare(
        apiRequest("POST", `/api/files/${file.id}/shares`, { rawBody: "{", headers: await browserHeaders(owner.id) }),
        params("id", file.id),
      )
      expect(malformed.status).toBe(400)
      const anonymous = await routes.createShare(
        apiRequest("POST", `/api/files/${file.id}/shares`, { body: {} }),
        params("id", file.id),
      )
      expect(anonymous.status).toBe(401)
      expect((await routes.listShares(apiRequest("GET", "/api/shares"))).status).toBe(401)
      expect(await count("Share")).toBe(before)
    })
  })

  describe("the state of a link decides the answer", () => {
    type Case = {
      state: string
      input?: Record<string, unknown>
      prepare?: (share: ShareBody) => Promise<unknown>
      options?: DownloadOptions
      status: number
      code?: string
    }
    const cases: Case[] = [
      { state: "active", status: 302 },
      {
        state: "expired",
        prepare: (share) =>
          query(
            database.url,
            `UPDATE "Share" SET "expiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 second' WHERE id = $1`,
            [share.id],
          ),
        status: 410,
        code: "share_expired",
      },
      {
        state: "revoked",
        prepare: async (share) =>
          routes.revokeShare(
            apiRequest("DELETE", `/api/shares/${share.id}`, { headers: await browserHeaders(owner.id) }),
            params("id", share.id),
          ),
        status: 410,
        code: "share_revoked",
      },
      {
        state: "used up",
        prepare: (share) =>
          query(database.url, `UPDATE "Share" SET "maxDownloads" = 2, downloads = 2 WHERE id = $1`, [share.id]),
        status: 410,
        code: "share_used_up",
      },
      {
        state: "password protected, none given",
        input: { password: "let me in" },
        status: 401,
        code: "password_required",
      },
      {
        state: "password protected, wrong one given",
        input: { password: "let me in" },
        options: { password: "let me out" },
        status: 401,
        code: "wrong_password",
      },
      {
        state: "password protected, right one given",
        input: { password: "let me in" },
        options: { password: "let me in" },
        status: 302,
      },
    ]

    it.each(cases)("$state → $status", async ({ input, prepare, options, status, code }) => {
      const file = await uploadFile("state.bin")
      const share = await createShareOk(file.id, { maxDownloads: 10, ...input })
      await prepare?.(share)
      const before = (await shareRow(share.id))?.downloads
      const response = await download(tokenOf(share.url), options)
      expect(response.status).toBe(status)
      expect(response.headers.get("cache-control")).toBe("no-store")
      expect(response.headers.get("referrer-policy")).toBe("no-referrer")
      if (code) expect((await response.json()).error.code).toBe(code)
      // Only a served download is counted.
      expect((await shareRow(share.id))?.downloads).toBe(status === 302 ? (before ?? 0) + 1 : before)
    })

    it.each([
      ["an unknown token", randomBytes(32).toString("base64url")],
      ["a malformed token", "../../api/files"],
    ])("%s → 404", async (_case, token) => {
      const response = await download(token)
      expect(response.status).toBe(404)
      expect((await response.json()).error.code).toBe("not_found")
    })
  })

  describe("downloading through a link", () => {
    it("302s to a presigned GET that serves the bytes as an attachment, audited without the URL", async () => {
      const file = await uploadFile("payload.bin")
      const share = await createShareOk(file.id)
      const response = await download(tokenOf(share.url))
      expect(response.status).toBe(302)
      const location = response.headers.get("location") ?? ""
      expect(new URL(location).pathname).toBe(objectPathOf(file.objectKey))
      expect(keyLifetimeSeconds(location)).toBeGreaterThanOrEqual(DOWNLOAD_TTL_SECONDS - 1)
      expect(keyLifetimeSeconds(location)).toBeLessThanOrEqual(DOWNLOAD_TTL_SECONDS)
      // Azure: the verified snapshot, never the blob a write key could still change.
      if (isAzure) expect(new URL(location).searchParams.get("snapshot")).toBeTruthy()
      const fetched = await fetch(location)
      expect(fetched.status).toBe(200)
      expect(sha256Hex(new Uint8Array(await fetched.arrayBuffer()))).toBe(sha256Hex(file.data))
      expect(fetched.headers.get("content-disposition")).toMatch(/^attachment;/)

      const audit = await query<Record<string, unknown>>(
        database.url,
        `SELECT * FROM "AuditEvent" WHERE "fileId" = $1 AND action = 'share.download'`,
        [file.id],
      )
      expect(audit).toHaveLength(1)
      expect(audit[0]).toMatchObject({
        actorId: null,
        via: "share",
        method: "GET",
        objectKey: file.objectKey,
        details: { shareId: share.id },
      })
      expect(JSON.stringify(audit)).not.toMatch(/X-Amz-|[?&]sig=|https?:\/\//)
      expect(JSON.stringify(audit)).not.toContain(tokenOf(share.url))
    })

    it("serves exactly 5 of 50 concurrent downloads on a limit of 5", async () => {
      const file = await uploadFile("popular.bin")
      const share = await createShareOk(file.id, { maxDownloads: 5 })
      const token = tokenOf(share.url)
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, index) => download(token, { ip: `198.51.100.${index + 10}` })),
      )
      const statuses = responses.map((response) => response.status)
      expect(statuses.filter((status) => status === 302)).toHaveLength(5)
      expect(statuses.filter((status) => status === 410)).toHaveLength(45)
      expect((await shareRow(share.id))?.downloads).toBe(5)
      const minted = await query(
        database.url,
        `SELECT id FROM "AuditEvent" WHERE "fileId" = $1 AND action = 'share.download'`,
        [file.id],
      )
      expect(minted).toHaveLength(5)
    })

    it("hands out keys that storage itself refuses once expired", async () => {
      const file = await uploadFile("short-lived.bin")
      const share = await createShareOk(file.id)
      const location = (await download(tokenOf(share.url))).headers.get("location") ?? ""
      expect((await fetch(location)).status).toBe(200)
      // DOWNLOAD_URL_TTL_SECONDS is 2 here (see the top of the file): after 3 s the key is dead.
      await new Promise((resolve) => setTimeout(resolve, (DOWNLOAD_TTL_SECONDS + 1) * 1000))
      const late = await fetch(location)
      await late.arrayBuffer()
      expect(late.status).toBe(403)
    })

    it("mints 60-second keys by default", async () => {
      const { parseServerEnv } = await import("@/lib/env")
      expect(
        parseServerEnv({ DATABASE_URL: "postgres://x/y", AUTH_SECRET: "x".repeat(32) }).DOWNLOAD_URL_TTL_SECONDS,
      ).toBe(60)
    })

    it.each([
      ['"><script>.html', '"><script>.html'],
      ["résumé (1).pdf", "résumé (1).pdf"],
      ["it's (almost) done!*.txt", "it's (almost) done!*.txt"],
      [`${"ü".repeat(60)} ${"x".repeat(135)}.bin`, `${"ü".repeat(60)} ${"x".repeat(135)}.bin`],
      // A separator cannot be part of a saved name: it becomes "_" (as browsers do) rather than
      // cutting the name down to what follows it.
      ['"><script>alert(1)</script>.html', '"><script>alert(1)<_script>.html'],
    ])("round-trips the file name %j in Content-Disposition", async (name, saved) => {
      expect(name.length).toBeLessThanOrEqual(200)
      const file = await uploadFile(name)
      const share = await createShareOk(file.id)
      const fetched = await fetch((await download(tokenOf(share.url))).headers.get("location") ?? "")
      expect(fetched.status).toBe(200)
      await fetched.arrayBuffer()
      const parsed = contentDisposition.parse(fetched.headers.get("content-disposition") ?? "")
      expect(parsed.type).toBe("attachment")
      expect(parsed.parameters.filename).toBe(saved)
    })

    it("sends the share page's form back to the page on a wrong password, and redirects on the right one", async () => {
      const file = await uploadFile("form.bin")
      const share = await createShareOk(file.id, { password: "correct horse" })
      const token = tokenOf(share.url)
      const wrong = await download(token, { form: true, password: "battery staple", ip: "203.0.113.200" })
      expect(wrong.status).toBe(303)
      expect(wrong.headers.get("location")).toBe(`/s/${token}?error=wrong_password`)
      const right = await download(token, { form: true, password: "correct horse", ip: "203.0.113.200" })
      expect(right.status).toBe(302)
      expect(new URL(right.headers.get("location") ?? "").pathname).toBe(objectPathOf(file.objectKey))
    })

    it("limits wrong passwords per link and address: 429 with Retry-After, other addresses unaffected", async () => {
      const file = await uploadFile("guarded.bin")
      const share = await createShareOk(file.id, { password: "the real one" })
      const token = tokenOf(share.url)
      for (let attempt = 0; attempt < 10; attempt++) {
        expect((await download(token, { password: `guess-${attempt}`, ip: "203.0.113.9" })).status).toBe(401)
      }
      const limited = await download(token, { password: "guess-10", ip: "203.0.113.9" })
      expect(limited.status).toBe(429)
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0)
      // Even the right password waits out the window from that address…
      expect((await download(token, { password: "the real one", ip: "203.0.113.9" })).status).toBe(429)
      // …while another address is not punished for it.
      expect((await download(token, { password: "the real one", ip: "203.0.113.10" })).status).toBe(302)
      expect((await shareRow(share.id))?.downloads).toBe(1)
    })
  })

  describe("revocation", () => {
    it("takes effect on the next request, with an audit row naming who revoked", async () => {
      const file = await uploadFile("revocable.bin")
      const share = await createShareOk(file.id)
      const token = tokenOf(share.url)
      expect((await download(token)).status).toBe(302)
      const headers = await browserHeaders(owner.id)
      const revoke = () =>
        routes.revokeShare(apiRequest("DELETE", `/api/shares/${share.id}`, { headers }), params("id", share.id))
      expect((await revoke()).status).toBe(204)
      expect((await download(token)).status).toBe(410)
      // Revoking again changes nothing and records nothing more.
      expect((await revoke()).status).toBe(204)
      const audit = await query<Record<string, unknown>>(
        database.url,
        `SELECT * FROM "AuditEvent" WHERE action = 'share.revoke' AND details->>'shareId' = $1`,
        [share.id],
      )
      expect(audit).toHaveLength(1)
      expect(audit[0]).toMatchObject({ actorId: owner.id, via: "session", fileId: file.id })
      expect((await shareRow(share.id))?.revokedById).toBe(owner.id)
    })

    it("lets an admin revoke anyone's link through the same route, recorded as the admin's act", async () => {
      const file = await uploadFile("moderated.bin")
      const share = await createShareOk(file.id)
      const response = await routes.revokeShare(
        apiRequest("DELETE", `/api/shares/${share.id}`, { headers: await browserHeaders(admin.id) }),
        params("id", share.id),
      )
      expect(response.status).toBe(204)
      expect((await download(tokenOf(share.url))).status).toBe(410)
      const audit = await query<Record<string, unknown>>(
        database.url,
        `SELECT * FROM "AuditEvent" WHERE action = 'share.revoke' AND details->>'shareId' = $1`,
        [share.id],
      )
      expect(audit[0]).toMatchObject({ actorId: admin.id, details: { shareId: share.id, ownerId: owner.id } })
    })
  })

  describe("someone else's file or link", () => {
    it("is a 404 for sharing, listing, revoking and deleting, and nothing changes", async () => {
      const file = await uploadFile("private.bin")
      const share = await createShareOk(file.id)
      const headers = await browserHeaders(stranger.id)
      const sharesBefore = await count("Share")
      const responses = [
        await createShare(file.id, {}, stranger.id),
        await routes.revokeShare(apiRequest("DELETE", `/api/shares/${share.id}`, { headers }), params("id", share.id)),
        await routes.deleteFile(apiRequest("DELETE", `/api/files/${file.id}`, { headers }), params("id", file.id)),
      ]
      for (const response of responses) expect(response.status).toBe(404)
      expect(await count("Share")).toBe(sharesBefore)
      expect((await shareRow(share.id))?.revokedAt).toBeNull()
      expect(await storage.headObject(file.objectKey)).not.toBeNull()
      const listed = await (await routes.listShares(apiRequest("GET", "/api/shares", { headers }))).json()
      expect(listed.shares).toEqual([])
      // Another user's file is a 404 here too (DESIGN §4), not an empty list.
      const perFile = await routes.fileShares(
        apiRequest("GET", `/api/files/${file.id}/shares`, { headers }),
        params("id", file.id),
      )
      expect(perFile.status).toBe(404)
      expect((await perFile.json()).error.code).toBe("not_found")
    })
  })

  describe("deleting a file", () => {
    it("removes the object and the row, and its links answer 410 revoked from then on", async () => {
      const file = await uploadFile("doomed.bin")
      const first = await createShareOk(file.id)
      const second = await createShareOk(file.id, { password: "doomed too" })
      const location = (await download(tokenOf(first.url))).headers.get("location") ?? ""
      const headers = await browserHeaders(owner.id)

      const response = await routes.deleteFile(
        apiRequest("DELETE", `/api/files/${file.id}`, { headers }),
        params("id", file.id),
      )
      expect(response.status).toBe(204)
      expect(await storage.headObject(file.objectKey)).toBeNull()
      expect(await query(database.url, `SELECT id FROM "File" WHERE id = $1`, [file.id])).toEqual([])
      for (const share of [first, second]) {
        const answer = await download(tokenOf(share.url))
        expect(answer.status).toBe(410)
        expect((await answer.json()).error.code).toBe("share_revoked")
        expect(await shareRow(share.id)).toMatchObject({ fileId: null, revokedById: owner.id })
      }
      // A key minted before the deletion finds nothing in storage any more (Azurite answers a
      // read key for a deleted snapshot with 403, S3 and Azure's docs with 404: either way, no bytes).
      const stale = await fetch(location)
      await stale.arrayBuffer()
      expect(isAzure ? [403, 404] : [404]).toContain(stale.status)

      const listed = await (await routes.listShares(apiRequest("GET", "/api/shares", { headers }))).json()
      expect(listed.shares.find((share: ShareBody) => share.id === first.id)).toMatchObject({
        state: "revoked",
        fileId: null,
        fileName: null,
      })
      expect(
        (await routes.deleteFile(apiRequest("DELETE", `/api/files/${file.id}`, { headers }), params("id", file.id)))
          .status,
      ).toBe(404)
      const audit = await query<Record<string, unknown>>(
        database.url,
        `SELECT * FROM "AuditEvent" WHERE action = 'file.delete' AND "fileId" = $1`,
        [file.id],
      )
      expect(audit[0]).toMatchObject({
        actorId: owner.id,
        objectKey: file.objectKey,
        details: { ownerId: owner.id, revokedShares: 2 },
      })
    })

    it("lets an admin delete anyone's file", async () => {
      const file = await uploadFile("reported.bin")
      const response = await routes.deleteFile(
        apiRequest("DELETE", `/api/files/${file.id}`, { headers: await browserHeaders(admin.id) }),
        params("id", file.id),
      )
      expect(response.status).toBe(204)
      expect(await storage.headObject(file.objectKey)).toBeNull()
    })
  })

  describe("My files: search, sort, pages and active links", () => {
    it("finds names by any-case substring, sorts by size across cursor pages, and counts only active links", async () => {
      const files = await import("@/app/api/files/route")
      const headers = await browserHeaders(owner.id)
      const list = async (search: string, userId = owner.id) => {
        const response = await files.GET(
          apiRequest("GET", `/api/files?${search}`, {
            headers: userId === owner.id ? headers : await browserHeaders(userId),
          }),
        )
        expect(response.status).toBe(200)
        return (await response.json()) as {
          files: { id: string; name: string; size: number; activeShares: number }[]
          nextCursor: string | null
        }
      }
      const small = await uploadFile("quarterly-FINDME-small.txt", new Uint8Array(randomBytes(100)))
      const big = await uploadFile("annual-findme-big.txt", new Uint8Array(randomBytes(300)))
      const middle = await uploadFile("FindMe middle.txt", new Uint8Array(randomBytes(200)))
      await createShareOk(big.id)
      const revoked = await createShareOk(big.id)
      await query(database.url, `UPDATE "Share" SET "revokedAt" = now() WHERE id = $1`, [revoked.id])

      const first = await list("q=findme&sort=size&limit=2")
      expect(first.files.map((file) => file.id)).toEqual([big.id, middle.id])
      expect(first.files[0]?.activeShares).toBe(1)
      const second = await list(`q=findme&sort=size&limit=2&cursor=${first.nextCursor}`)
      expect(second).toEqual({ files: [expect.objectContaining({ id: small.id, activeShares: 0 })], nextCursor: null })
      expect((await list("q=findme&sort=oldest")).files.map((file) => file.id)).toEqual([small.id, big.id, middle.id])
      expect((await list("q=findme", stranger.id)).files).toEqual([])
      expect((await files.GET(apiRequest("GET", "/api/files?sort=sideways", { headers }))).status).toBe(400)
    })
  })

  describe("the public share page's data", () => {
    it("describes an active link, says only the state of a dead one, and nothing of an unknown one", async () => {
      const file = await uploadFile("described.pdf", new Uint8Array(randomBytes(321)))
      const share = await createShareOk(file.id, { maxDownloads: 4, password: "shh-secret" })
      const token = tokenOf(share.url)
      expect(await shares.describeShare(token)).toEqual({
        state: "active",
        id: share.id,
        title: null,
        message: null,
        files: [{ id: file.id, name: "described.pdf", size: 321, type: "application/octet-stream" }],
        totalSize: 321,
        expiresAt: expect.any(Date),
        remainingDownloads: 4,
        hasPassword: true,
      })
      await query(database.url, `UPDATE "Share" SET downloads = 4 WHERE id = $1`, [share.id])
      expect(await shares.describeShare(token)).toEqual({ state: "used_up" })
      expect(await shares.describeShare(randomBytes(32).toString("base64url"))).toBeNull()
    })
  })

  describe("what a recipient gets is what completion verified, typed so it cannot run", () => {
    it("a second PUT with the upload's still-valid URL cannot swap the bytes a recipient downloads", async () => {
      const data = new Uint8Array(randomBytes(2048))
      const headers = await browserHeaders(owner.id)
      const body = { name: "verified.bin", size: data.length, type: "application/octet-stream" }
      const granted = await routes.grant(apiRequest("POST", "/api/uploads", { body, headers }))
      const { upload } = await granted.json()
      expect((await fetch(upload.url, { method: "PUT", body: data, headers: upload.headers })).status).toBe(STORED)
      const completed = await routes.complete(
        apiRequest("POST", `/api/uploads/${upload.id}/complete`, { headers }),
        params("id", upload.id),
      )
      expect(completed.status).toBe(201)
      const { file } = await completed.json()
      const share = await createShareOk(file.id)

      const swap = await fetch(upload.url, {
        method: "PUT",
        body: new Uint8Array(randomBytes(data.length)),
        headers: upload.headers,
      })
      await swap.arrayBuffer()
      // S3: the URL's signed If-None-Match: * (412). Azure: the create-only `sp=c` SAS (403).
      expect(swap.status).toBe(isAzure ? 403 : 412)
      if (isAzure) {
        // A part key (`sp=w`) of a multipart upload can still rewrite the blob itself until it
        // expires, so on Azure the guarantee is that recipients read the snapshot completion took:
        // replace the base blob with other bytes (as such a key could) and the download is unchanged.
        const [row] = await query<{ objectKey: string }>(database.url, `SELECT "objectKey" FROM "File" WHERE id = $1`, [
          file.id,
        ])
        const other = new Uint8Array(randomBytes(data.length))
        await storage.putObjectStream({
          key: row?.objectKey ?? "",
          contentType: "application/octet-stream",
          body: new Blob([other]).stream(),
        })
        const base = await storage.readObject(row?.objectKey ?? "")
        expect(sha256Hex(new Uint8Array(await new Response(base).arrayBuffer()))).toBe(sha256Hex(other))
      }
      const response = await download(tokenOf(share.url))
      expect(response.status).toBe(302)
      const fetched = await fetch(response.headers.get("location") ?? "")
      expect(sha256Hex(new Uint8Array(await fetched.arrayBuffer()))).toBe(sha256Hex(data))
    })

    it.each([
      ["text/html", "application/octet-stream"],
      ["image/svg+xml", "application/octet-stream"],
      ["text/javascript", "application/octet-stream"],
      ["application/xml", "application/octet-stream"],
      ["image/png", "image/png"],
      ["text/plain", "text/plain"],
    ])("a file recorded as %s is served to a recipient as %s, always as an attachment", async (type, served) => {
      const file = await uploadFile(`typed.${type.split("/")[1]}`, new Uint8Array(randomBytes(80)), owner.id, type)
      const share = await createShareOk(file.id)
      const response = await download(tokenOf(share.url))
      const fetched = await fetch(response.headers.get("location") ?? "")
      await fetched.arrayBuffer()
      expect(fetched.status).toBe(200)
      expect(fetched.headers.get("content-type")).toBe(served)
      expect(fetched.headers.get("content-disposition")).toMatch(/^attachment;/)
    })
  })

  describe("HEAD requests and link-preview bots do not use up a download", () => {
    const bots = [
      "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
      "Twitterbot/1.0",
      "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
      "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
      "WhatsApp/2.23.20.0 A",
      "TelegramBot (like TwitterBot)",
      "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    ]
    const head = (token: string) =>
      routes.downloadHead(
        new Request(new URL(`/s/${token}/download`, APP_ORIGIN), { method: "HEAD" }),
        params("token", token),
      )
    const getAs = (token: string, agent: string) =>
      routes.downloadGet(
        apiRequest("GET", `/s/${token}/download`, {
          headers: { "user-agent": agent, "x-forwarded-for": "198.51.100.9" },
        }),
        params("token", token),
      )

    it("with a limit of 1: HEADs and every bot's GET leave the one download to the recipient", async () => {
      const file = await uploadFile("preview-me.bin")
      const share = await createShareOk(file.id, { maxDownloads: 1 })
      const token = tokenOf(share.url)
      const minted = async () =>
        Number(
          (
            await query<{ count: string }>(
              database.url,
              `SELECT count(*) FROM "AuditEvent" WHERE action = 'share.download' AND "fileId" = $1`,
              [file.id],
            )
          )[0]?.count,
        )

      for (let i = 0; i < 3; i++) {
        const response = await head(token)
        expect(response.status).toBe(200)
        expect(response.headers.get("location")).toBeNull()
      }
      for (const agent of bots) {
        const response = await getAs(token, agent)
        expect(response.status, agent).toBe(303)
        expect(response.headers.get("location")).toBe(`/s/${token}`)
      }
      expect((await shareRow(share.id))?.downloads).toBe(0)
      expect(await minted()).toBe(0)

      const person = await getAs(
        token,
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36",
      )
      expect(person.status).toBe(302)
      const fetched = await fetch(person.headers.get("location") ?? "")
      expect(sha256Hex(new Uint8Array(await fetched.arrayBuffer()))).toBe(sha256Hex(file.data))
      expect((await shareRow(share.id))?.downloads).toBe(1)
      expect(await minted()).toBe(1)

      // Used up now: HEAD says so (410) and still counts nothing.
      expect((await head(token)).status).toBe(410)
      expect((await shareRow(share.id))?.downloads).toBe(1)
    })

    it("HEAD on an unknown link is a 404", async () => {
      expect((await head(randomBytes(32).toString("base64url"))).status).toBe(404)
    })
  })

  it("never logged a share token, presigned URL, signature or credential", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    for (const token of issuedTokens) expect(text).not.toContain(token)
  })
})
