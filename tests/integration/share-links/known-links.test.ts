import { describe, expect, it, vi } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { SIGNATURE_PATTERN } from "@/tests/support/storage-profile"
import {
  setUpShareLinksWorld,
  PROFILE,
  database,
  routes,
  owner,
  params,
  uploadFile,
  createLinkOk,
  downloadFile,
  recipientRequest,
  errorCode,
} from "@/tests/support/share-links/world"

/**
 * A link this process has served a counted download of is served again in one database round trip
 * (lib/shares/downloads.ts countKnownLinkDownload: the key signed from what it knew, the counting
 * statement re-checking the link). Whatever changed since — a password, revocation, expiry, the
 * limit, the file gone — must answer as the link is now, and count, log and audit nothing.
 */
setUpShareLinksWorld()

const legacyDownload = (token: string) =>
  routes.legacyDownload(recipientRequest("GET", `/s/${token}/download`), params({ token }))

/** Calls on the pool (Prisma's and the prepared statements' alike) while `work` runs. */
async function poolCalls<T>(work: () => Promise<T>): Promise<{ calls: number; result: T }> {
  const { getPool } = await import("@/lib/db")
  const spy = vi.spyOn(getPool(), "query")
  try {
    const result = await work()
    return { calls: spy.mock.calls.length, result }
  } finally {
    spy.mockRestore()
  }
}

const written = async (shareId: string) => {
  const [row] = await query<{ downloads: number; events: string; audits: string }>(
    database.url,
    `SELECT s.downloads,
            (SELECT count(*) FROM "ShareEvent" e WHERE e."shareId" = s.id AND e.kind = 'download') AS events,
            (SELECT count(*) FROM "AuditEvent" a WHERE a.action = 'share.download' AND a.details->>'shareId' = s.id) AS audits
     FROM "Share" s WHERE s.id = $1`,
    [shareId],
  )
  return { downloads: row?.downloads, events: Number(row?.events), audits: Number(row?.audits) }
}

describe(`links on ${PROFILE} storage: a link served before`, () => {
  it("is served again in one round trip, and counted, logged and audited like the first time", async () => {
    const file = await uploadFile("again.txt", "text/plain")
    const share = await createLinkOk({ fileIds: [file.id], maxDownloads: 5 })
    for (const expected of [4, 3]) {
      const { calls, result: response } = await poolCalls(() => downloadFile(share.token, file.id, { json: true }))
      expect(response.status).toBe(200)
      const answered = (await response.json()) as { url: string; remainingDownloads: number }
      expect(answered).toMatchObject({ url: expect.stringMatching(SIGNATURE_PATTERN), remainingDownloads: expected })
      const fetched = await fetch(answered.url)
      expect(new Uint8Array(await fetched.arrayBuffer())).toEqual(file.data)
      if (expected === 3) expect(calls).toBe(1)
    }
    expect(await written(share.id)).toEqual({ downloads: 2, events: 2, audits: 2 })

    // The one-file route (GET /s/:token/download) too.
    for (let round = 0; round < 2; round++) {
      const { calls, result: response } = await poolCalls(() => legacyDownload(share.token))
      expect(response.status).toBe(302)
      const fetched = await fetch(response.headers.get("location") ?? "")
      expect(new Uint8Array(await fetched.arrayBuffer())).toEqual(file.data)
      if (round === 1) expect(calls).toBe(1)
    }
    expect(await written(share.id)).toEqual({ downloads: 4, events: 4, audits: 4 })
  })

  it.each<[string, (share: { id: string }, fileId: string) => Promise<unknown>, string]>([
    [
      "was given a password",
      async (share) =>
        routes.update(
          apiRequest("PATCH", `/api/shares/${share.id}`, {
            body: { password: "a-new-password" },
            headers: await browserHeaders(owner.id),
          }),
          params({ id: share.id }),
        ),
      "password_required",
    ],
    [
      "was revoked",
      async (share) =>
        routes.revoke(
          apiRequest("DELETE", `/api/shares/${share.id}`, { headers: await browserHeaders(owner.id) }),
          params({ id: share.id }),
        ),
      "share_revoked",
    ],
    [
      "expired",
      (share) =>
        query(
          database.url,
          `UPDATE "Share" SET "expiresAt" = now() AT TIME ZONE 'UTC' - interval '1 second' WHERE id = $1`,
          [share.id],
        ),
      "share_expired",
    ],
    [
      "was used up",
      (share) => query(database.url, `UPDATE "Share" SET "maxDownloads" = downloads WHERE id = $1`, [share.id]),
      "share_used_up",
    ],
    [
      "lost its file",
      async (_share, fileId) =>
        routes.deleteFile(
          apiRequest("DELETE", `/api/files/${fileId}`, { headers: await browserHeaders(owner.id) }),
          params({ id: fileId }),
        ),
      "share_revoked",
    ],
  ])("answers as it is now once it %s, writing nothing", async (_case, change, code) => {
    const file = await uploadFile("changing.txt", "text/plain")
    const share = await createLinkOk({ fileIds: [file.id] })
    for (let round = 0; round < 2; round++) expect((await downloadFile(share.token, file.id)).status).toBe(302)
    expect((await legacyDownload(share.token)).status).toBe(302)
    await change(share, file.id)
    const before = await written(share.id)
    expect(await errorCode(await downloadFile(share.token, file.id, { json: true }))).toBe(code)
    expect(await errorCode(await legacyDownload(share.token))).toBe(code)
    expect(await written(share.id)).toEqual(before)
  })

  it("serves only the files the link holds, whichever it served before", async () => {
    const [first, second, other] = await Promise.all([
      uploadFile("first.txt", "text/plain"),
      uploadFile("second.txt", "text/plain"),
      uploadFile("not-shared.txt", "text/plain"),
    ])
    const share = await createLinkOk({ fileIds: [first.id, second.id] })
    expect((await downloadFile(share.token, first.id)).status).toBe(302)
    expect((await downloadFile(share.token, second.id)).status).toBe(302)
    const before = await written(share.id)
    expect((await downloadFile(share.token, other.id)).status).toBe(404)
    // The one-file route refuses a link with several files, known or not.
    expect(await errorCode(await legacyDownload(share.token))).toBe("share_has_many_files")
    expect(await written(share.id)).toEqual(before)
  })
})
