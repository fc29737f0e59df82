import { beforeAll, describe, expect, it, vi } from "vitest"

let sessions: typeof import("@/lib/upload-sessions")

beforeAll(async () => {
  vi.stubEnv("DATABASE_URL", "postgresql://unused@127.0.0.1:1/unused")
  vi.stubEnv("AUTH_SECRET", "a-test-secret-that-is-long-enough-0123456789")
  vi.resetModules()
  sessions = await import("@/lib/upload-sessions")
})

const request = { id: "request-a", passwordHash: "$argon2id$v=19$hash-a" }

describe("upload sessions", () => {
  it("verify for the request they were minted for, until they expire", () => {
    const now = new Date("2026-11-29T12:00:00Z")
    const session = sessions.mintUploadSession(request, now)
    expect(session.expiresAt.getTime()).toBe(now.getTime() + sessions.UPLOAD_SESSION_TTL_SECONDS * 1000)
    expect(sessions.verifyUploadSession(session.token, request, now)).toEqual(session.expiresAt)
    expect(sessions.verifyUploadSession(session.token, request, new Date(session.expiresAt.getTime() - 1))).toEqual(
      session.expiresAt,
    )
    expect(sessions.verifyUploadSession(session.token, request, session.expiresAt)).toBeNull()
  })

  it("refuse another request, a changed password, a tampered expiry or signature, and garbage", () => {
    const session = sessions.mintUploadSession(request)
    expect(sessions.verifyUploadSession(session.token, { ...request, id: "request-b" })).toBeNull()
    expect(
      sessions.verifyUploadSession(session.token, { ...request, passwordHash: "$argon2id$v=19$hash-b" }),
    ).toBeNull()
    const [version, expiry, signature] = session.token.split(".")
    expect(sessions.verifyUploadSession(`${version}.${Number(expiry) + 3600}.${signature}`, request)).toBeNull()
    const flipped = `${signature?.[0] === "A" ? "B" : "A"}${signature?.slice(1)}`
    expect(sessions.verifyUploadSession(`${version}.${expiry}.${flipped}`, request)).toBeNull()
    for (const token of ["", "us1", "us1..", `us2.${expiry}.${signature}`, `${session.token}x`]) {
      expect(sessions.verifyUploadSession(token, request)).toBeNull()
    }
  })

  it("are renewed once past half their life", () => {
    const now = new Date()
    expect(sessions.needsRenewal(new Date(now.getTime() + 3_500_000), now)).toBe(false)
    expect(sessions.needsRenewal(new Date(now.getTime() + 1_000_000), now)).toBe(true)
  })
})
