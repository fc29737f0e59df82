import { randomBytes } from "node:crypto"
import { describe, expect, it } from "vitest"
import { apiRequest, APP_ORIGIN, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { SIGNATURE_PATTERN } from "@/tests/support/storage-profile"
import {
  setUpSharesWorld,
  PROFILE,
  database,
  routes,
  owner,
  stranger,
  logged,
  issuedTokens,
  type ShareBody,
  params,
  sha256Hex,
  count,
  tokenOf,
  uploadFile,
  createShare,
  createShareOk,
  type DownloadOptions,
  download,
  shareRow,
} from "@/tests/support/shares/world"

/**
 * Creating a link: its URL once and only a hash of its token stored, expiry and password defaults,
 * and how the state of a link (active, expired, used up, revoked) decides every answer.
 */
setUpSharesWorld()

describe(`shares on ${PROFILE} storage: creating links`, () => {
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

  it("never logged a share token, presigned URL, signature or credential", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    for (const token of issuedTokens) expect(text).not.toContain(token)
  })
})
