import { randomBytes } from "node:crypto"
import { beforeAll, describe, expect, it } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { partEtagOf, STORED } from "@/tests/support/storage-profile"
import {
  setUpUploadRequestsWorld,
  PROFILE,
  MIB,
  database,
  owner,
  routes,
  tokenOf,
  count,
  createRequest,
} from "@/tests/support/upload-requests/world"

/**
 * Upload sessions for a password-protected request: one password check for many files, parts and
 * completion through the session, the sessions refused, and renewal past half their life.
 */
setUpUploadRequestsWorld()

describe(`upload sessions for a password-protected request on ${PROFILE} storage`, () => {
  const FILES = 200
  const IP = "203.0.113.200"
  let unlockRoute: typeof import("@/app/api/r/[token]/session/route").POST

  beforeAll(async () => {
    unlockRoute = (await import("@/app/api/r/[token]/session/route")).POST
  })

  const unlock = (token: string, password: string, ip = IP) =>
    unlockRoute(
      apiRequest("POST", `/api/r/${token}/session`, { body: { password }, headers: { "x-forwarded-for": ip } }),
      {
        params: Promise.resolve({ token }),
      },
    )
  const withSession = (token: string, session: string, body: unknown) =>
    routes.grant(
      apiRequest("POST", `/api/r/${token}/uploads`, {
        body,
        headers: { "x-forwarded-for": IP, "x-upload-session": session },
      }),
      {
        params: Promise.resolve({ token }),
      },
    )
  const passwordHits = async () =>
    (
      await query<{ key: string; hits: number }>(
        database.url,
        `SELECT key, hits FROM "RateLimit" WHERE key LIKE 'upload-request-password:%' ORDER BY key`,
      )
    ).map((row) => `${row.key.replace(/:[^:]+:ip:/, ":<request>:ip:")}=${row.hits}`)

  it(`lets one sender start ${FILES} small files through one session: the password is hashed once, never rate limited`, async () => {
    const created = await createRequest({ password: "open sesame", maxFiles: FILES })
    const token = tokenOf(created)
    const wrong = await unlock(token, "open barley")
    expect([wrong.status, (await wrong.json()).error.code]).toEqual([401, "wrong_password"])
    const unlocked = await unlock(token, "open sesame")
    expect(unlocked.status).toBe(201)
    expect(unlocked.headers.get("cache-control")).toBe("no-store")
    const { session } = await unlocked.json()
    expect(session).toEqual({ token: expect.stringMatching(/^us1\./), expiresAt: expect.any(String) })
    expect(new Date(session.expiresAt).getTime() - Date.now()).toBeGreaterThan(55 * 60 * 1000)
    const hitsAfterUnlock = await passwordHits()

    for (let index = 0; index < FILES; index++) {
      const response = await withSession(token, session.token, { name: `f${index}.txt`, size: 3, type: "text/plain" })
      expect(response.status, await response.clone().text()).toBe(201)
    }
    // Not one more password check was counted (or made) for the 200 grants.
    expect(await passwordHits()).toEqual(hitsAfterUnlock)
    const [sent] = await query<{ count: string }>(
      database.url,
      `SELECT count(*) FROM "Upload" WHERE "uploadRequestId" = $1`,
      [created.id],
    )
    expect(Number(sent?.count)).toBe(FILES)
    // The session does not stand for more than the request: it is full now.
    expect(
      (await withSession(token, session.token, { name: "one-more.txt", size: 3, type: "text/plain" })).status,
    ).toBe(409)
  })

  it("a session works for a big file's parts and completion too, and its key puts the bytes", async () => {
    const created = await createRequest({ password: "open sesame" })
    const token = tokenOf(created)
    const { session } = await (await unlock(token, "open sesame")).json()
    const headers = { "x-forwarded-for": IP, "x-upload-session": session.token }
    const data = new Uint8Array(randomBytes(5 * MIB + 100))
    const granted = await withSession(token, session.token, {
      name: "big.bin",
      size: data.length,
      type: "application/octet-stream",
    })
    expect(granted.status).toBe(201)
    const { upload } = await granted.json()
    const signed = await routes.signParts(
      apiRequest("POST", `/api/r/${token}/uploads/${upload.id}/parts`, { body: { partNumbers: [1, 2] }, headers }),
      {
        params: Promise.resolve({ token, id: upload.id }),
      },
    )
    expect(signed.status).toBe(200)
    const { parts } = await signed.json()
    const etags = []
    for (const part of parts as { partNumber: number; url: string }[]) {
      const slice = part.partNumber === 1 ? data.slice(0, 5 * MIB) : data.slice(5 * MIB)
      const response = await fetch(part.url, { method: "PUT", body: slice })
      await response.arrayBuffer()
      // S3 answers UploadPart with 200 and an ETag; Azure's Put Block with 201 and none (its block id stands in).
      expect(response.status).toBe(STORED)
      etags.push({ partNumber: part.partNumber, etag: partEtagOf(response, part.url) ?? "" })
    }
    const completed = await routes.complete(
      apiRequest("POST", `/api/r/${token}/uploads/${upload.id}/complete`, { body: { parts: etags }, headers }),
      {
        params: Promise.resolve({ token, id: upload.id }),
      },
    )
    expect(completed.status).toBe(201)
  })

  it("refuses a session for another request, an expired one, a tampered one, and any once the request is closed", async () => {
    const first = await createRequest({ password: "open sesame" })
    const second = await createRequest({ password: "open sesame" })
    const firstSession = (await (await unlock(tokenOf(first), "open sesame")).json()).session.token as string
    const file = { name: "a.txt", size: 3, type: "text/plain" }
    const refusal = async (response: Response) => [response.status, (await response.json()).error.code]
    const uploadsBefore = await count("Upload")

    expect(await refusal(await withSession(tokenOf(second), firstSession, file))).toEqual([
      401,
      "invalid_upload_session",
    ])

    const { mintUploadSession } = await import("@/lib/upload-sessions")
    const [row] = await query<{ id: string; passwordHash: string }>(
      database.url,
      `SELECT id, "passwordHash" FROM "UploadRequest" WHERE id = $1`,
      [first.id],
    )
    const expired = mintUploadSession(
      { id: row?.id ?? "", passwordHash: row?.passwordHash ?? null },
      new Date(Date.now() - 61 * 60 * 1000),
    )
    expect(await refusal(await withSession(tokenOf(first), expired.token, file))).toEqual([
      401,
      "invalid_upload_session",
    ])

    const [version, expiry, signature] = firstSession.split(".")
    const longer = `${version}.${Number(expiry) + 7 * 24 * 3600}.${signature}`
    expect(await refusal(await withSession(tokenOf(first), longer, file))).toEqual([401, "invalid_upload_session"])
    const flipped = `${version}.${expiry}.${signature?.[5] === "A" ? `${signature.slice(0, 5)}B` : `${signature?.slice(0, 5)}A`}${signature?.slice(6)}`
    expect(await refusal(await withSession(tokenOf(first), flipped, file))).toEqual([401, "invalid_upload_session"])
    expect(await count("Upload")).toBe(uploadsBefore)

    // Still good until the owner closes the request; from then on, refused.
    expect((await withSession(tokenOf(first), firstSession, file)).status).toBe(201)
    const closed = await routes.close(
      apiRequest("POST", `/api/upload-requests/${first.id}/close`, { headers: await browserHeaders(owner.id) }),
      {
        params: Promise.resolve({ id: first.id }),
      },
    )
    expect(closed.status).toBe(204)
    expect(await refusal(await withSession(tokenOf(first), firstSession, file))).toEqual([410, "request_closed"])
    expect(await refusal(await unlock(tokenOf(first), "open sesame"))).toEqual([410, "request_closed"])
  })

  it("renews a session past half its life in the answer's header", async () => {
    const created = await createRequest({ password: "open sesame" })
    const { mintUploadSession, verifyUploadSession } = await import("@/lib/upload-sessions")
    const [row] = await query<{ id: string; passwordHash: string }>(
      database.url,
      `SELECT id, "passwordHash" FROM "UploadRequest" WHERE id = $1`,
      [created.id],
    )
    const subject = { id: row?.id ?? "", passwordHash: row?.passwordHash ?? null }
    const old = mintUploadSession(subject, new Date(Date.now() - 40 * 60 * 1000))
    const response = await withSession(tokenOf(created), old.token, { name: "r.txt", size: 3, type: "text/plain" })
    expect(response.status).toBe(201)
    const renewed = response.headers.get("x-upload-session") ?? ""
    expect(verifyUploadSession(renewed, subject)?.getTime()).toBeGreaterThan(old.expiresAt.getTime())
    const fresh = await withSession(tokenOf(created), renewed, { name: "s.txt", size: 3, type: "text/plain" })
    expect(fresh.status).toBe(201)
    expect(fresh.headers.get("x-upload-session")).toBeNull()
  })
})
