import { describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import {
  setUpUploadRequestsWorld,
  PROFILE,
  database,
  owner,
  other,
  routes,
  tokenOf,
  count,
  createRequest,
  grant,
} from "@/tests/support/upload-requests/world"

/**
 * What a write-only link refuses: types, sizes and totals before any key exists, unknown, expired
 * and closed links, a wrong password, the owner's quota, and a disabled owner.
 */
setUpUploadRequestsWorld()

describe(`upload requests on ${PROFILE} storage: refusals`, () => {
  it.each([
    [
      "a type it does not accept",
      { allowedTypes: ["image/*"] },
      { name: "a.pdf", size: 10, type: "application/pdf" },
      415,
      "type_not_allowed",
    ],
    ["a file over its per-file size", { maxFileSize: 100 }, { name: "a.bin", size: 101 }, 413, "file_too_large"],
    [
      "a file that does not fit its total",
      { maxTotalSize: 100 },
      { name: "a.bin", size: 101 },
      413,
      "request_total_exceeded",
    ],
  ])("refuses %s before any key exists", async (_case, limits, file, status, code) => {
    const created = await createRequest(limits)
    const [uploads, audit] = [await count("Upload"), await count("AuditEvent")]
    const response = await grant(tokenOf(created), file)
    expect(response.status).toBe(status)
    expect((await response.json()).error.code).toBe(code)
    expect([await count("Upload"), await count("AuditEvent")]).toEqual([uploads, audit])
  })

  it("refuses unknown (404), expired and closed (410) links, and needs the right password (401)", async () => {
    // Keys minted (upload.* audit rows) and grants recorded: a refused grant adds neither. Creating
    // and closing the requests below are audited too, and are not what this counts.
    const mintedKeys = async () =>
      Number(
        (
          await query<{ count: string }>(database.url, `SELECT count(*) FROM "AuditEvent" WHERE action LIKE 'upload.%'`)
        )[0]?.count,
      )
    const [uploads, audit] = [await count("Upload"), await mintedKeys()]
    expect((await grant(`${"A".repeat(43)}`, { name: "a", size: 1 })).status).toBe(404)

    const expired = await createRequest({ expiresIn: 60 })
    await query(
      database.url,
      `UPDATE "UploadRequest" SET "expiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 second' WHERE id = $1`,
      [expired.id],
    )
    expect((await grant(tokenOf(expired), { name: "a", size: 1 })).status).toBe(410)

    const closing = await createRequest({})
    const closed = await routes.close(
      apiRequest("POST", `/api/upload-requests/${closing.id}/close`, { headers: await browserHeaders(owner.id) }),
      { params: Promise.resolve({ id: closing.id }) },
    )
    expect(closed.status).toBe(204)
    expect((await grant(tokenOf(closing), { name: "a", size: 1 })).status).toBe(410)

    const locked = await createRequest({ password: "open sesame" })
    const missing = await grant(tokenOf(locked), { name: "a", size: 1 })
    expect([missing.status, (await missing.json()).error.code]).toEqual([401, "password_required"])
    const wrong = await grant(tokenOf(locked), { name: "a", size: 1 }, { password: "open barley" })
    expect([wrong.status, (await wrong.json()).error.code]).toEqual([401, "wrong_password"])
    expect([await count("Upload"), await mintedKeys()]).toEqual([uploads, audit])
    expect((await grant(tokenOf(locked), { name: "a", size: 1 }, { password: "open sesame" })).status).toBe(201)
  })

  it("charges the owner's quota", async () => {
    await query(database.url, `UPDATE "User" SET "quotaBytes" = 0 WHERE id = $1`, [other.id])
    const created = await createRequest({}, other.id)
    const response = await grant(tokenOf(created), { name: "a.bin", size: 1 })
    expect(response.status).toBe(403)
    expect((await response.json()).error.code).toBe("quota_exceeded")
  })

  it("stops taking files the moment its owner's account is disabled", async () => {
    const { registerUser } = await import("@/lib/accounts")
    const soonDisabled = await registerUser({ email: "disabled-owner@example.com", password: "perfectly-fine-4" })
    const created = await createRequest({}, soonDisabled.id)
    expect((await grant(tokenOf(created), { name: "a", size: 1 })).status).toBe(201)
    await query(database.url, `UPDATE "User" SET "disabledAt" = now() WHERE id = $1`, [soonDisabled.id])
    const refused = await grant(tokenOf(created), { name: "b", size: 1 })
    expect([refused.status, (await refused.json()).error.code]).toEqual([410, "request_closed"])
  })
})
