import { describe, expect, it } from "vitest"
import * as factories from "@/tests/support/factories"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { SIGNATURE_PATTERN } from "@/tests/support/storage-profile"
import {
  setUpUploadsWorld,
  owner,
  PROFILE,
  database,
  stranger,
  logged,
  sha256Base64,
} from "@/tests/support/uploads/world"

/**
 * POST /api/files/download `{ids}`: a fresh presigned GET per file in one call, for a client that
 * fetches many small files. Each key is the caller's own file's (any for an admin), audited on its
 * own row; anything else is that item's 404, mints nothing and is audited nowhere.
 */
setUpUploadsWorld()

type Result = { id: string; url?: string; expiresAt?: string; error?: { code: string; message: string } }

async function downloadMany(userId: string, body: unknown, headers: Record<string, string> = {}) {
  const { POST } = await import("@/app/api/files/download/route")
  return POST(
    apiRequest("POST", "/api/files/download", { body, headers: { ...(await browserHeaders(userId)), ...headers } }),
  )
}

const downloadGets = async (fileIds: string[]) =>
  query<{ fileId: string; actorId: string; method: string; expiresAt: Date }>(
    database.url,
    `SELECT "fileId", "actorId", method, "expiresAt" FROM "AuditEvent" WHERE action = 'download.get' AND "fileId" = ANY($1) ORDER BY "fileId"`,
    [fileIds],
  )

describe(`POST /api/files/download on ${PROFILE} storage`, () => {
  it("answers one working key per own file, in order, and a 404 per id the caller may not read", async () => {
    // The stranger asks: the owner, the world's first account, is an admin.
    const mine = [
      await factories.uploadFile(stranger.id, { name: "one.txt", type: "text/plain" }),
      await factories.uploadFile(stranger.id, { name: "two.bin" }),
      await factories.uploadFile(stranger.id, { name: "three.bin" }),
    ]
    const theirs = await factories.uploadFile(owner.id, { name: "theirs.bin" })
    const ids = [mine[2]!.id, theirs.id, mine[0]!.id, "c".padEnd(25, "0"), "not an id/../x", mine[1]!.id]
    const before = Date.now()

    const response = await downloadMany(stranger.id, { ids })
    expect(response.status).toBe(200)
    expect(response.headers.get("cache-control")).toBe("no-store")
    const { results } = (await response.json()) as { results: Result[] }
    expect(results.map((result) => result.id)).toEqual(ids)
    for (const index of [1, 3, 4])
      expect(results[index]).toEqual({ id: ids[index], error: { code: "not_found", message: "File not found" } })

    // Each key fetches exactly its own file's bytes, as an attachment, and expires soon.
    for (const [index, file] of [
      [0, mine[2]!],
      [2, mine[0]!],
      [5, mine[1]!],
    ] as const) {
      const result = results[index]!
      const fetched = await fetch(result.url ?? "")
      expect(fetched.status).toBe(200)
      expect(sha256Base64(new Uint8Array(await fetched.arrayBuffer()))).toBe(sha256Base64(file.data))
      expect(fetched.headers.get("content-disposition")).toMatch(/^attachment; /)
      const expiresAt = new Date(result.expiresAt ?? "").getTime()
      expect(expiresAt).toBeGreaterThan(before)
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000)
      // DOWNLOAD_URL_TTL_SECONDS (60 s by default, capped by the env schema), as the one-file 302's key.
      expect(expiresAt).toBeGreaterThanOrEqual(before + 59_000)
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 61_000)
    }

    // One audit row per key handed out, under the caller; none for the stranger's file.
    const rows = await downloadGets([...mine.map((file) => file.id), theirs.id])
    expect(rows.map((row) => row.fileId).sort()).toEqual(mine.map((file) => file.id).sort())
    for (const row of rows) expect(row).toMatchObject({ actorId: stranger.id, method: "GET" })
  })

  it("keys one GET of one object: not another object, not a PUT, and nothing once the file is deleted", async () => {
    const [first, second] = [
      await factories.uploadFile(owner.id, { name: "first.bin" }),
      await factories.uploadFile(owner.id, { name: "second.bin" }),
    ]
    const { results } = (await (await downloadMany(owner.id, { ids: [first.id] })).json()) as { results: Result[] }
    const url = new URL(results[0]?.url ?? "")

    const otherObject = new URL(url)
    otherObject.pathname = url.pathname.replace(first.objectKey, second.objectKey)
    expect(otherObject.pathname).not.toBe(url.pathname)
    expect((await fetch(otherObject)).status).toBe(403)
    // A write through the read key is refused (Azure wants its blob-type header before it checks the SAS).
    const overwrite = await fetch(url, {
      method: "PUT",
      body: "overwritten",
      headers: { "x-ms-blob-type": "BlockBlob" },
    })
    expect(overwrite.status).toBe(403)
    const still = await fetch(url)
    expect(sha256Base64(new Uint8Array(await still.arrayBuffer()))).toBe(sha256Base64(first.data))

    const { DELETE } = await import("@/app/api/files/[id]/route")
    const deleted = await DELETE(
      apiRequest("DELETE", `/api/files/${first.id}`, { headers: await browserHeaders(owner.id) }),
      { params: Promise.resolve({ id: first.id }) },
    )
    expect(deleted.status).toBe(204)
    expect((await fetch(url)).status).toBe(404)
    const again = (await (await downloadMany(owner.id, { ids: [first.id] })).json()) as { results: Result[] }
    expect(again.results).toEqual([{ id: first.id, error: { code: "not_found", message: "File not found" } }])
  })

  it("gives an admin anyone's file, audited under the admin", async () => {
    const admin = await factories.createUser(`batch-admin-${Date.now()}@example.com`)
    await query(database.url, `UPDATE "User" SET role = 'ADMIN' WHERE id = $1`, [admin.id])
    const theirs = await factories.uploadFile(stranger.id, { name: "audited.bin" })
    const { results } = (await (await downloadMany(admin.id, { ids: [theirs.id] })).json()) as { results: Result[] }
    expect((await fetch(results[0]?.url ?? "")).status).toBe(200)
    expect(await downloadGets([theirs.id])).toEqual([expect.objectContaining({ actorId: admin.id })])
  })

  it("refuses a bad body with a 400 and mints nothing; a stranger's session is no way in", async () => {
    const file = await factories.uploadFile(owner.id, { name: "untouched.bin" })
    for (const body of [
      {},
      { ids: [] },
      { ids: file.id },
      { ids: [file.id, file.id] },
      { ids: Array.from({ length: 101 }, (_, index) => `f${index}`) },
      { ids: [""] },
    ]) {
      const response = await downloadMany(owner.id, body)
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("invalid_request")
    }
    const foreignOrigin = await downloadMany(owner.id, { ids: [file.id] }, { origin: "https://evil.example" })
    expect(foreignOrigin.status).toBe(403)
    const { POST } = await import("@/app/api/files/download/route")
    const anonymous = await POST(apiRequest("POST", "/api/files/download", { body: { ids: [file.id] } }))
    expect(anonymous.status).toBe(401)
    expect(await downloadGets([file.id])).toEqual([])
  })

  it("never logged a presigned URL, signature or credential", () => {
    const text = logged.join("\n")
    expect(text).not.toMatch(SIGNATURE_PATTERN)
    expect(text).not.toContain(process.env.S3_SECRET_ACCESS_KEY ?? "<no secret>")
    expect(text).not.toContain(process.env.AZURE_STORAGE_KEY ?? "<no secret>")
  })
})
