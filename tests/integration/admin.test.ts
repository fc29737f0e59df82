import { randomBytes } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { apiRequest, browserHeaders, captureLogs, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import * as factories from "@/tests/support/factories"
import { SIGNATURE_PATTERN, STORED } from "@/tests/support/storage-profile"

/**
 * The admin API against real PostgreSQL and, once per run, each real S3 server: who may call it,
 * what each action changes (and that bad input changes nothing), and that a disabled account's
 * links and token stop working on their very next request.
 */
const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let routes: {
  grant: typeof import("@/app/api/uploads/route").POST
  complete: typeof import("@/app/api/uploads/[id]/complete/route").POST
  createShare: typeof import("@/app/api/files/[id]/shares/route").POST
  listFiles: typeof import("@/app/api/files/route").GET
  createToken: typeof import("@/app/api/tokens/route").POST
  register: typeof import("@/app/api/register/route").POST
  downloadGet: typeof import("@/app/s/[token]/download/route").GET
  users: typeof import("@/app/api/admin/users/route")
  updateUser: typeof import("@/app/api/admin/users/[id]/route").PATCH
  shares: typeof import("@/app/api/admin/shares/route").GET
  revoke: typeof import("@/app/api/admin/shares/[id]/revoke/route").POST
  bulkRevoke: typeof import("@/app/api/admin/shares/revoke/route").POST
  files: typeof import("@/app/api/admin/files/route").GET
  deleteFile: typeof import("@/app/api/admin/files/[id]/route").DELETE
  audit: typeof import("@/app/api/admin/audit/route").GET
  overview: typeof import("@/app/api/admin/overview/route").GET
}
let storage: typeof import("@/lib/storage")
let admin: { id: string }
let owner: { id: string }
let other: { id: string }
const logged: string[] = []

const params = (id: string) => ({ params: Promise.resolve({ id }) })
const count = async (table: string, where = "TRUE", values: unknown[] = []) =>
  Number(
    (await query<{ count: string }>(database.url, `SELECT count(*) FROM "${table}" WHERE ${where}`, values))[0]?.count,
  )
const userRow = async (id: string) =>
  (
    await query<{ role: string; disabledAt: Date | null; quotaBytes: string | null }>(
      database.url,
      `SELECT role, "disabledAt", "quotaBytes" FROM "User" WHERE id = $1`,
      [id],
    )
  )[0]

/** Uploads bytes through the real grant → PUT → complete flow. */
async function uploadFile(userId: string, name: string, size = 64) {
  const data = new Uint8Array(randomBytes(size))
  const headers = await browserHeaders(userId)
  const granted = await routes.grant(
    apiRequest("POST", "/api/uploads", { body: { name, size, type: "application/octet-stream" }, headers }),
  )
  expect(granted.status, await granted.clone().text()).toBe(201)
  const { upload } = await granted.json()
  expect((await fetch(upload.url, { method: "PUT", body: data, headers: upload.headers })).status).toBe(STORED)
  const completed = await routes.complete(
    apiRequest("POST", `/api/uploads/${upload.id}/complete`, { headers }),
    params(upload.id),
  )
  expect(completed.status).toBe(201)
  const [row] = await query<{ id: string; objectKey: string }>(
    database.url,
    `SELECT id, "objectKey" FROM "File" WHERE "uploadId" = $1`,
    [upload.id],
  )
  return { id: row?.id ?? "", objectKey: row?.objectKey ?? "", uploadId: upload.id as string }
}

const shareFile = (userId: string, fileId: string) => factories.createShare(userId, fileId)

const download = (token: string) =>
  routes.downloadGet(apiRequest("GET", `/s/${token}/download`, { headers: { "x-forwarded-for": "198.51.100.7" } }), {
    params: Promise.resolve({ token }),
  })

const asAdmin = async () => browserHeaders(admin.id)

async function patchUser(userId: string, body: unknown, headers?: Record<string, string>) {
  return routes.updateUser(
    apiRequest("PATCH", `/api/admin/users/${userId}`, { body, headers: headers ?? (await asAdmin()) }),
    params(userId),
  )
}

async function json<T>(response: Response, status = 200): Promise<T> {
  expect(response.status, await response.clone().text()).toBe(status)
  return (await response.json()) as T
}

beforeAll(async () => {
  // Self-registration is closed: only an admin can create accounts, which is one of the things tested.
  database = await useFreshDatabase({ REGISTRATION: "closed" })
  captureLogs(logged)
  routes = {
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
  }
  storage = await import("@/lib/storage")
  const { registerUser, accountPolicyFromEnv } = await import("@/lib/accounts")
  const closedAnyway = { allowWhenClosed: true }
  // The first account is the admin; owner and other are plain users.
  admin = await registerUser(
    { email: "admin@example.com", password: "perfectly-fine-0" },
    accountPolicyFromEnv(),
    closedAnyway,
  )
  owner = await registerUser(
    { email: "owner@example.com", password: "perfectly-fine-1" },
    accountPolicyFromEnv(),
    closedAnyway,
  )
  other = await registerUser(
    { email: "other@example.com", password: "perfectly-fine-2" },
    accountPolicyFromEnv(),
    closedAnyway,
  )
})

afterAll(async () => {
  vi.restoreAllMocks()
  await database.cleanUp()
})

describe(`admin API on ${PROFILE} storage`, () => {
  describe("only admins may call it", () => {
    const ID = "c0000000000000000000000000"
    const endpoints: [string, (headers: Record<string, string>) => Promise<Response>][] = [
      ["GET /api/admin/users", (headers) => routes.users.GET(apiRequest("GET", "/api/admin/users", { headers }))],
      [
        "POST /api/admin/users",
        (headers) =>
          routes.users.POST(
            apiRequest("POST", "/api/admin/users", {
              body: { email: "x@example.com", password: "perfectly-fine-9" },
              headers,
            }),
          ),
      ],
      [
        "PATCH /api/admin/users/:id",
        (headers) =>
          routes.updateUser(
            apiRequest("PATCH", `/api/admin/users/${ID}`, { body: { disabled: true }, headers }),
            params(ID),
          ),
      ],
      ["GET /api/admin/shares", (headers) => routes.shares(apiRequest("GET", "/api/admin/shares", { headers }))],
      [
        "POST /api/admin/shares/:id/revoke",
        (headers) => routes.revoke(apiRequest("POST", `/api/admin/shares/${ID}/revoke`, { headers }), params(ID)),
      ],
      [
        "POST /api/admin/shares/revoke",
        (headers) =>
          routes.bulkRevoke(apiRequest("POST", "/api/admin/shares/revoke", { body: { ids: [ID] }, headers })),
      ],
      ["GET /api/admin/files", (headers) => routes.files(apiRequest("GET", "/api/admin/files", { headers }))],
      [
        "DELETE /api/admin/files/:id",
        (headers) => routes.deleteFile(apiRequest("DELETE", `/api/admin/files/${ID}`, { headers }), params(ID)),
      ],
      ["GET /api/admin/audit", (headers) => routes.audit(apiRequest("GET", "/api/admin/audit", { headers }))],
      [
        "GET /api/admin/audit?format=csv",
        (headers) => routes.audit(apiRequest("GET", "/api/admin/audit?format=csv", { headers })),
      ],
      ["GET /api/admin/overview", (headers) => routes.overview(apiRequest("GET", "/api/admin/overview", { headers }))],
    ]

    it.each(endpoints)("%s: 401 anonymous, 403 JSON for a user, not refused for an admin", async (_name, call) => {
      const anonymous = await call({})
      expect(anonymous.status).toBe(401)
      const user = await call(await browserHeaders(owner.id))
      expect(user.status).toBe(403)
      expect((await user.json()).error.code).toBe("forbidden")
      const asAdminResponse = await call(await asAdmin())
      // Endpoints about one id answer 404 for this made-up id: past the admin check, into the lib.
      expect([200, 201, 204, 404]).toContain(asAdminResponse.status)
    })

    it("refuses a user's token as well as a user's session, and leaves everything as it was", async () => {
      const token = await json<{ token: { secret: string } }>(
        await routes.createToken(
          apiRequest("POST", "/api/tokens", { body: { name: "probe" }, headers: await browserHeaders(other.id) }),
        ),
        201,
      )
      const bearer = { authorization: `Bearer ${token.token.secret}` }
      const before = await count("AuditEvent")
      expect((await patchUser(owner.id, { role: "ADMIN" }, bearer)).status).toBe(403)
      expect((await routes.users.GET(apiRequest("GET", "/api/admin/users", { headers: bearer }))).status).toBe(403)
      expect((await userRow(owner.id))?.role).toBe("USER")
      expect(await count("AuditEvent")).toBe(before)
    })
  })

  describe("users", () => {
    it("lists every account with its files, bytes used, quota and active links", async () => {
      const file = await uploadFile(owner.id, "usage.bin", 100)
      await shareFile(owner.id, file.id)
      const { users } = await json<{
        users: {
          id: string
          email: string
          role: string
          files: number
          usedBytes: number
          quotaBytes: number
          activeShares: number
        }[]
      }>(await routes.users.GET(apiRequest("GET", "/api/admin/users", { headers: await asAdmin() })))
      expect(users.map((user) => user.email).slice(0, 3)).toEqual([
        "admin@example.com",
        "owner@example.com",
        "other@example.com",
      ])
      const row = users.find((user) => user.id === owner.id)
      const [expected] = await query<{ files: string; bytes: string }>(
        database.url,
        `SELECT count(*) AS files, sum(size) AS bytes FROM "File" WHERE "ownerId" = $1`,
        [owner.id],
      )
      expect(row).toMatchObject({
        role: "USER",
        files: Number(expected?.files),
        usedBytes: Number(expected?.bytes),
        quotaBytes: 10 * 1024 ** 3,
      })
      expect(row?.activeShares).toBeGreaterThanOrEqual(1)
    })

    it("creates an account while self-registration is closed, audited", async () => {
      const refused = await routes.register(
        apiRequest("POST", "/api/register", { body: { email: "new@example.com", password: "perfectly-fine-3" } }),
      )
      expect(refused.status).toBe(403)
      const { user } = await json<{ user: { id: string; email: string; role: string } }>(
        await routes.users.POST(
          apiRequest("POST", "/api/admin/users", {
            body: { email: "New@Example.com", password: "perfectly-fine-3" },
            headers: await asAdmin(),
          }),
        ),
        201,
      )
      expect(user).toMatchObject({ email: "new@example.com", role: "USER" })
      expect(
        await count("AuditEvent", `action = 'admin.user.create' AND "actorId" = $1 AND details->>'userId' = $2`, [
          admin.id,
          user.id,
        ]),
      ).toBe(1)
      const taken = await routes.users.POST(
        apiRequest("POST", "/api/admin/users", {
          body: { email: "new@example.com", password: "perfectly-fine-4" },
          headers: await asAdmin(),
        }),
      )
      expect(taken.status).toBe(409)
    })

    it.each([
      ["a weak password", { email: "weak@example.com", password: "short" }],
      ["no email", { password: "perfectly-fine-5" }],
      ["a bad email", { email: "not-an-email", password: "perfectly-fine-5" }],
    ])("answers 400 for a new user with %s and creates nothing", async (_case, body) => {
      const before = await count("User")
      const response = await routes.users.POST(
        apiRequest("POST", "/api/admin/users", { body, headers: await asAdmin() }),
      )
      expect(response.status).toBe(400)
      expect(await count("User")).toBe(before)
    })

    it.each([
      ["an empty change", {}],
      ["an unknown role", { role: "ROOT" }],
      ["a negative quota", { quotaBytes: -1 }],
      ["a fractional quota", { quotaBytes: 1.5 }],
      ["a quota as text", { quotaBytes: "1GB" }],
      ["disabled as text", { disabled: "yes" }],
      ["an unknown field", { disabled: true, admin: true }],
    ])("answers 400 for %s and changes nothing", async (_case, body) => {
      const before = await userRow(owner.id)
      const audits = await count("AuditEvent")
      const response = await patchUser(owner.id, body)
      expect(response.status).toBe(400)
      expect((await response.json()).error.code).toBe("invalid_request")
      expect(await userRow(owner.id)).toEqual(before)
      expect(await count("AuditEvent")).toBe(audits)
    })

    it("answers 400 for malformed JSON and 404 for an unknown user", async () => {
      const malformed = await routes.updateUser(
        apiRequest("PATCH", `/api/admin/users/${owner.id}`, { rawBody: "{", headers: await asAdmin() }),
        params(owner.id),
      )
      expect(malformed.status).toBe(400)
      expect((await patchUser("c-no-such-user", { disabled: true })).status).toBe(404)
    })

    it("sets and clears a quota, which grants then honour", async () => {
      expect((await patchUser(other.id, { quotaBytes: 10 })).status).toBe(204)
      expect((await userRow(other.id))?.quotaBytes).toBe("10")
      const headers = await browserHeaders(other.id)
      const refused = await routes.grant(
        apiRequest("POST", "/api/uploads", {
          body: { name: "big.bin", size: 11, type: "application/octet-stream" },
          headers,
        }),
      )
      expect(refused.status).toBe(403)
      expect((await refused.json()).error.code).toBe("quota_exceeded")
      expect((await patchUser(other.id, { quotaBytes: null })).status).toBe(204)
      expect((await userRow(other.id))?.quotaBytes).toBeNull()
      expect(await count("AuditEvent", `action = 'admin.user.update' AND details->>'userId' = $1`, [other.id])).toBe(2)
    })

    it("never demotes or disables the last active admin", async () => {
      for (const body of [{ role: "USER" }, { disabled: true }]) {
        const response = await patchUser(admin.id, body)
        expect(response.status).toBe(409)
        expect((await response.json()).error.code).toBe("last_admin")
        expect(await userRow(admin.id)).toMatchObject({ role: "ADMIN", disabledAt: null })
      }
      // With a second admin the first may step down, and then the second is the last one.
      expect((await patchUser(other.id, { role: "ADMIN" })).status).toBe(204)
      expect((await patchUser(admin.id, { role: "USER" }, await browserHeaders(other.id))).status).toBe(204)
      expect((await patchUser(other.id, { disabled: true }, await browserHeaders(other.id))).status).toBe(409)
      expect((await patchUser(admin.id, { role: "ADMIN" }, await browserHeaders(other.id))).status).toBe(204)
      expect((await patchUser(other.id, { role: "USER" })).status).toBe(204)
      expect(await userRow(admin.id)).toMatchObject({ role: "ADMIN", disabledAt: null })
      expect((await userRow(other.id))?.role).toBe("USER")
    })

    it("disabling an account kills its links, its token and its session at once; enabling does not revive links or tokens", async () => {
      const file = await uploadFile(owner.id, "disable-me.txt")
      const share = await shareFile(owner.id, file.id)
      expect((await download(share.token)).status).toBe(302)
      const { token } = await json<{ token: { id: string; secret: string } }>(
        await routes.createToken(
          apiRequest("POST", "/api/tokens", { body: { name: "ci" }, headers: await browserHeaders(owner.id) }),
        ),
        201,
      )
      const bearer = { authorization: `Bearer ${token.secret}` }
      expect((await routes.listFiles(apiRequest("GET", "/api/files", { headers: bearer }))).status).toBe(200)

      expect((await patchUser(owner.id, { disabled: true })).status).toBe(204)

      const gone = await download(share.token)
      expect(gone.status).toBe(410)
      expect((await gone.json()).error.code).toBe("share_revoked")
      expect((await routes.listFiles(apiRequest("GET", "/api/files", { headers: bearer }))).status).toBe(401)
      const session = await routes.listFiles(
        apiRequest("GET", "/api/files", { headers: await browserHeaders(owner.id) }),
      )
      expect(session.status).toBe(401)
      expect((await session.json()).error.code).toBe("session_revoked")
      expect(await count("Share", `"ownerId" = $1 AND "revokedAt" IS NULL`, [owner.id])).toBe(0)
      expect(
        await count("Share", `"ownerId" = $1 AND "revokedById" = $2`, [owner.id, admin.id]),
      ).toBeGreaterThanOrEqual(2)
      expect(await count("ApiToken", `"userId" = $1 AND "revokedAt" IS NULL`, [owner.id])).toBe(0)
      const [event] = await query<{ details: { revokedShares: number; revokedTokens: number } }>(
        database.url,
        `SELECT details FROM "AuditEvent" WHERE action = 'admin.user.update' AND "actorId" = $1 AND details->>'userId' = $2 AND details->'changes'->>'disabled' = 'true'`,
        [admin.id, owner.id],
      )
      expect(event?.details.revokedTokens).toBe(1)
      expect(event?.details.revokedShares).toBeGreaterThanOrEqual(2)

      expect((await patchUser(owner.id, { disabled: false })).status).toBe(204)
      expect(
        (await routes.listFiles(apiRequest("GET", "/api/files", { headers: await browserHeaders(owner.id) }))).status,
      ).toBe(200)
      expect((await routes.listFiles(apiRequest("GET", "/api/files", { headers: bearer }))).status).toBe(401)
      expect((await download(share.token)).status).toBe(410)
    })
  })

  describe("shares", () => {
    type ShareRow = { id: string; state: string; owner: { email: string }; fileName: string | null }
    const listShares = async (search = "") =>
      json<{ shares: ShareRow[]; nextCursor: string | null }>(
        await routes.shares(apiRequest("GET", `/api/admin/shares${search}`, { headers: await asAdmin() })),
      )

    it("lists every user's links, filtered by state, owner and file name, a page at a time", async () => {
      const mine = await uploadFile(other.id, "Quarterly-Report.pdf")
      const active = await shareFile(other.id, mine.id)
      const revoked = await shareFile(other.id, mine.id)
      await query(database.url, `UPDATE "Share" SET "revokedAt" = now() WHERE id = $1`, [revoked.id])
      const expired = await shareFile(other.id, mine.id)
      await query(database.url, `UPDATE "Share" SET "expiresAt" = now() - interval '1 minute' WHERE id = $1`, [
        expired.id,
      ])

      const byName = await listShares("?q=quarterly-report&owner=OTHER@")
      expect(byName.shares.map((share) => share.id)).toEqual([expired.id, revoked.id, active.id])
      expect(byName.shares.map((share) => share.state)).toEqual(["expired", "revoked", "active"])
      expect(byName.shares[0]).toMatchObject({
        owner: { email: "other@example.com" },
        fileName: "Quarterly-Report.pdf",
      })
      expect((await listShares("?q=quarterly&state=active")).shares.map((share) => share.id)).toEqual([active.id])
      expect((await listShares("?q=quarterly&state=revoked")).shares.map((share) => share.id)).toEqual([revoked.id])
      expect((await listShares("?q=quarterly&state=expired")).shares.map((share) => share.id)).toEqual([expired.id])
      expect((await listShares("?q=quarterly&owner=owner@")).shares).toEqual([])
      expect(JSON.stringify(byName)).not.toContain(active.token)

      const seen: string[] = []
      let cursor: string | null = null
      do {
        const page: { shares: ShareRow[]; nextCursor: string | null } = await listShares(
          `?q=quarterly&limit=1${cursor ? `&cursor=${cursor}` : ""}`,
        )
        expect(page.shares.length).toBeLessThanOrEqual(1)
        seen.push(...page.shares.map((share) => share.id))
        cursor = page.nextCursor
      } while (cursor)
      expect(seen).toEqual([expired.id, revoked.id, active.id])
    })

    it.each([
      ["an unknown state", "?state=paused"],
      ["a limit of 0", "?limit=0"],
      ["a limit as text", "?limit=lots"],
    ])("answers 400 for %s", async (_case, search) => {
      expect(
        (await routes.shares(apiRequest("GET", `/api/admin/shares${search}`, { headers: await asAdmin() }))).status,
      ).toBe(400)
    })

    it("revokes anyone's link: its next download is refused, and the revocation is audited", async () => {
      const file = await uploadFile(other.id, "revoke-one.txt")
      const share = await shareFile(other.id, file.id)
      expect((await download(share.token)).status).toBe(302)
      const response = await routes.revoke(
        apiRequest("POST", `/api/admin/shares/${share.id}/revoke`, { headers: await asAdmin() }),
        params(share.id),
      )
      expect(response.status).toBe(204)
      expect((await download(share.token)).status).toBe(410)
      expect(
        await count("AuditEvent", `action = 'share.revoke' AND "actorId" = $1 AND details->>'shareId' = $2`, [
          admin.id,
          share.id,
        ]),
      ).toBe(1)
      expect(
        (
          await routes.revoke(
            apiRequest("POST", `/api/admin/shares/c-unknown/revoke`, { headers: await asAdmin() }),
            params("c-unknown"),
          )
        ).status,
      ).toBe(404)
    })

    it("revokes many links at once, or none when one of them does not exist", async () => {
      const file = await uploadFile(owner.id, "bulk.txt")
      const first = await shareFile(owner.id, file.id)
      const second = await shareFile(owner.id, file.id)
      const asAdminHeaders = await asAdmin()
      const bulk = (body: unknown) =>
        routes.bulkRevoke(apiRequest("POST", "/api/admin/shares/revoke", { body, headers: asAdminHeaders }))

      const audits = await count("AuditEvent")
      expect((await bulk({ ids: [first.id, "c-unknown"] })).status).toBe(404)
      for (const body of [{ ids: [] }, { ids: "all" }, {}]) expect((await bulk(body)).status).toBe(400)
      expect(await count("Share", `id IN ($1, $2) AND "revokedAt" IS NULL`, [first.id, second.id])).toBe(2)
      expect(await count("AuditEvent")).toBe(audits)

      expect(await json(await bulk({ ids: [first.id, second.id, first.id] }))).toEqual({ revoked: 2 })
      expect((await download(first.token)).status).toBe(410)
      expect((await download(second.token)).status).toBe(410)
      expect(
        await count("AuditEvent", `action = 'share.revoke' AND "actorId" = $1 AND details->>'shareId' IN ($2, $3)`, [
          admin.id,
          first.id,
          second.id,
        ]),
      ).toBe(2)
      expect(await json(await bulk({ ids: [first.id] }))).toEqual({ revoked: 0 })
    })
  })

  describe("files", () => {
    type FileRow = { id: string; name: string; size: number; owner: { email: string } }
    const listFiles = async (search = "") =>
      json<{ files: FileRow[]; nextCursor: string | null }>(
        await routes.files(apiRequest("GET", `/api/admin/files${search}`, { headers: await asAdmin() })),
      )

    it("lists every user's files, filtered by owner, name and size", async () => {
      const small = await uploadFile(owner.id, "sizes-small.bin", 10)
      const large = await uploadFile(other.id, "sizes-large.bin", 1000)
      expect((await listFiles("?q=SIZES-")).files.map((file) => file.id)).toEqual([large.id, small.id])
      expect((await listFiles("?q=sizes-&owner=owner@")).files.map((file) => file.id)).toEqual([small.id])
      expect((await listFiles("?q=sizes-&minSize=500")).files.map((file) => file.id)).toEqual([large.id])
      expect((await listFiles("?q=sizes-&maxSize=500&minSize=")).files.map((file) => file.id)).toEqual([small.id])
      expect((await listFiles("?q=sizes-&limit=1")).nextCursor).toBe(large.id)
      expect(
        (await routes.files(apiRequest("GET", "/api/admin/files?minSize=-1", { headers: await asAdmin() }))).status,
      ).toBe(400)
    })

    it("deletes anyone's file: the object goes, its links answer 410, a user cannot", async () => {
      const file = await uploadFile(owner.id, "to-delete.txt")
      const share = await shareFile(owner.id, file.id)
      const asUser = await routes.deleteFile(
        apiRequest("DELETE", `/api/admin/files/${file.id}`, { headers: await browserHeaders(other.id) }),
        params(file.id),
      )
      expect(asUser.status).toBe(403)
      expect(await count("File", "id = $1", [file.id])).toBe(1)

      const response = await routes.deleteFile(
        apiRequest("DELETE", `/api/admin/files/${file.id}`, { headers: await asAdmin() }),
        params(file.id),
      )
      expect(response.status).toBe(204)
      expect(await count("File", "id = $1", [file.id])).toBe(0)
      expect(await storage.headObject(file.objectKey)).toBeNull()
      expect((await download(share.token)).status).toBe(410)
      expect(
        await count("AuditEvent", `action = 'file.delete' AND "actorId" = $1 AND "fileId" = $2`, [admin.id, file.id]),
      ).toBe(1)
      expect(
        (
          await routes.deleteFile(
            apiRequest("DELETE", `/api/admin/files/${file.id}`, { headers: await asAdmin() }),
            params(file.id),
          )
        ).status,
      ).toBe(404)
    })
  })

  describe("audit log", () => {
    type EventRow = {
      id: string
      action: string
      actor: { email: string } | null
      method: string | null
      objectKey: string | null
      expiresAt: string | null
      createdAt: string
    }
    const listAudit = async (search = "") =>
      json<{ events: EventRow[]; nextCursor: string | null }>(
        await routes.audit(apiRequest("GET", `/api/admin/audit${search}`, { headers: await asAdmin() })),
      )

    it("shows every minted key of an upload (never a URL) and filters by user, action family and time", async () => {
      const file = await uploadFile(other.id, "audited.txt")
      const { events } = await listAudit("?user=OTHER@example.com&action=upload")
      const put = events.find((event) => event.objectKey === file.objectKey && event.action === "upload.put")
      expect(put).toMatchObject({ action: "upload.put", method: "PUT", actor: { email: "other@example.com" } })
      // The completion that recorded the file is in the same family.
      expect(
        events.find((event) => event.objectKey === file.objectKey && event.action === "upload.complete"),
      ).toBeDefined()
      expect(new Date(put?.expiresAt ?? 0).getTime()).toBeGreaterThan(Date.now())
      expect(
        events.every((event) => event.action.startsWith("upload.") && event.actor?.email === "other@example.com"),
      ).toBe(true)
      expect(JSON.stringify(events)).not.toMatch(/X-Amz-Signature|[?&]sig=|https?:\/\//)

      expect((await listAudit(`?user=${other.id}&action=upload.put`)).events.map((event) => event.id)).toContain(
        put?.id,
      )
      // "upload" is a family, "uploa" is not a prefix up to a dot.
      expect((await listAudit("?action=uploa")).events).toEqual([])
      const future = new Date(Date.now() + 3_600_000).toISOString()
      expect((await listAudit(`?from=${encodeURIComponent(future)}`)).events).toEqual([])
      expect(
        (
          await listAudit(
            `?to=${encodeURIComponent(new Date(Date.parse(put?.createdAt ?? "") - 1).toISOString())}&action=upload.put&user=other@example.com`,
          )
        ).events.map((event) => event.id),
      ).not.toContain(put?.id)
    })

    it("pages newest first without repeats or gaps", async () => {
      const all = (await listAudit("?limit=200")).events.map((event) => event.id)
      const paged: string[] = []
      let cursor: string | null = null
      do {
        const page: { events: EventRow[]; nextCursor: string | null } = await listAudit(
          `?limit=7${cursor ? `&cursor=${cursor}` : ""}`,
        )
        paged.push(...page.events.map((event) => event.id))
        cursor = page.nextCursor
      } while (cursor)
      expect(paged).toEqual(all)
      expect(all.length).toBeGreaterThan(7)
    })

    it.each([
      ["a date that is not one", "?from=yesterday"],
      ["a range that ends before it starts", "?from=2026-02-01&to=2026-01-01"],
      ["an action with odd characters", "?action=share';--"],
      ["an unknown format", "?format=xml"],
    ])("answers 400 for %s", async (_case, search) => {
      expect(
        (await routes.audit(apiRequest("GET", `/api/admin/audit${search}`, { headers: await asAdmin() }))).status,
      ).toBe(400)
    })

    it("exports the filtered log as CSV: a header, one row per event, quoting per RFC 4180", async () => {
      const response = await routes.audit(
        apiRequest("GET", "/api/admin/audit?format=csv&action=admin.user", { headers: await asAdmin() }),
      )
      expect(response.status).toBe(200)
      expect(response.headers.get("content-type")).toMatch(/^text\/csv/)
      expect(response.headers.get("content-disposition")).toMatch(
        /^attachment; filename="valet-audit-\d{4}-\d{2}-\d{2}\.csv"$/,
      )
      const lines = (await response.text()).trimEnd().split("\r\n")
      // subject and actor_name came last, so scripts reading the older columns by position still work.
      expect(lines[0]).toBe(
        "time,action,actor,actor_id,via,method,object_key,key_expires_at,upload_id,file_id,details,subject,actor_name",
      )
      expect(lines).toHaveLength((await count("AuditEvent", `action LIKE 'admin.user.%'`)) + 1)
      expect(
        lines
          .slice(1)
          .every((line) =>
            /^\d{4}-\d{2}-\d{2}T[^,]+Z,admin\.user\.(create|update),(admin|other)@example\.com,c\w+,session,,,,,,"\{/.test(
              line,
            ),
          ),
      ).toBe(true)
      expect(lines.find((line) => line.includes("new@example.com"))).toContain(`""email"":""new@example.com""`)
      // The subject column names what the event is about: here the created account's address.
      expect(lines.find((line) => line.includes("new@example.com"))).toMatch(/,new@example\.com,[^,]*$/)
    })

    it("defuses spreadsheet formulas: a cell that starts with + = - @ is exported with a leading quote", async () => {
      // An email is user input and ends up alone in the actor cell; "+cmd…" would run as a formula.
      const { user } = await json<{ user: { id: string } }>(
        await routes.users.POST(
          apiRequest("POST", "/api/admin/users", {
            body: { email: "+cmd@example.com", password: "perfectly-fine-6" },
            headers: await asAdmin(),
          }),
        ),
        201,
      )
      await uploadFile(user.id, "formula.txt")
      const response = await routes.audit(
        apiRequest(
          "GET",
          `/api/admin/audit?format=csv&action=upload.put&user=${encodeURIComponent("+cmd@example.com")}`,
          { headers: await asAdmin() },
        ),
      )
      const lines = (await response.text()).trimEnd().split("\r\n")
      expect(lines).toHaveLength(2)
      expect(lines[1]?.split(",").slice(1, 4)).toEqual(["upload.put", "'+cmd@example.com", user.id])
    })
  })

  describe("overview", () => {
    it("counts users, files, bytes, active links and keys minted in the last 24 h, and uploads/downloads per day", async () => {
      const { overview } = await json<{
        overview: {
          users: number
          files: number
          bytesStored: number
          activeShares: number
          keysMinted24h: number
          days: { day: string; uploads: number; downloads: number }[]
        }
      }>(await routes.overview(apiRequest("GET", "/api/admin/overview", { headers: await asAdmin() })))
      const [totals] = await query<{ files: string; bytes: string }>(
        database.url,
        `SELECT count(*) AS files, coalesce(sum(size), 0) AS bytes FROM "File"`,
      )
      expect(overview).toMatchObject({
        users: await count("User"),
        files: Number(totals?.files),
        bytesStored: Number(totals?.bytes),
        keysMinted24h: await count("AuditEvent", `method IS NOT NULL AND "createdAt" > now() - interval '1 day'`),
      })
      expect(overview.activeShares).toBeGreaterThan(0)
      expect(overview.days).toHaveLength(14)
      // Everything in this database happened within the chart's two weeks.
      expect(overview.days.reduce((sum, day) => sum + day.uploads, 0)).toBe(Number(totals?.files))
      expect(overview.days.reduce((sum, day) => sum + day.downloads, 0)).toBe(
        await count("AuditEvent", `action IN ('download.get', 'share.download')`),
      )
    })
  })

  it("never logged a URL query or a link token", () => {
    expect(logged.join("\n")).not.toMatch(SIGNATURE_PATTERN)
    expect(logged.join("\n")).not.toMatch(/\/s\/[A-Za-z0-9_-]{43}/)
  })
})
