import { execFile } from "node:child_process"
import { createHash, randomBytes } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { APP_ORIGIN, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { isAzure, STORED } from "@/tests/support/storage-profile"

/**
 * `npm run reconcile` against real PostgreSQL and each real S3 server, in a bucket of its own (the
 * shared test bucket holds every other test's objects): a clean state is clean, and each kind of
 * damage an operator can meet is reported, by the library and by the command's exit code.
 */
const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const MIB = 1024 * 1024
const BUCKET = `valet-reconcile-${randomBytes(4).toString("hex")}`

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let storage: typeof import("@/lib/storage")
let uploads: typeof import("@/lib/uploads")
let reconcile: typeof import("@/lib/reconcile").reconcile
let owner: import("@/lib/auth").AuthUser

const bytes = (size: number) => new Uint8Array(randomBytes(size))
const sha256Of = (data: Uint8Array) => createHash("sha256").update(data).digest("base64")

async function put(url: string, data: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "PUT", body: data, headers })
  await response.arrayBuffer()
  expect(response.status).toBe(STORED)
  return response
}

/**
 * Puts bytes straight under a key, replacing what is there, as anyone with the bucket's own
 * credentials could (a valet key cannot: it only creates, see DESIGN §3.12).
 */
async function putObject(key: string, data: Uint8Array<ArrayBuffer>, contentType = "application/octet-stream") {
  await storage.putObjectStream({ key, contentType, body: new Blob([data]).stream() })
}

/** A file uploaded the way clients do it: grant, PUT (or parts), verified completion. */
async function uploadFile(size: number, options: { withDigest: boolean }) {
  const data = bytes(size)
  const grant = await uploads.grantUpload(owner, {
    name: `file-${randomBytes(3).toString("hex")}.bin`,
    size,
    type: "application/octet-stream",
    sha256: options.withDigest ? sha256Of(data) : undefined,
  })
  if (grant.multipart) {
    const parts = await uploads.signUploadParts(
      owner,
      grant.id,
      Array.from({ length: grant.partCount }, (_, index) => index + 1),
    )
    for (const part of parts) {
      const offset = (part.partNumber - 1) * grant.partSize
      await put(part.url, data.slice(offset, offset + part.size))
    }
  } else {
    await put(grant.url, data, grant.headers)
  }
  const { file } = await uploads.completeUpload(owner, grant.id, {})
  return { fileId: file.id, uploadId: grant.id, key: uploads.objectKeyFor(owner.id, grant.id), data, grant }
}

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/reconcile.ts", ...args],
      { env: process.env },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 2) : 0, stdout, stderr }),
    ),
  )
}

beforeAll(async () => {
  database = await useFreshDatabase({
    S3_BUCKET: BUCKET,
    AZURE_STORAGE_CONTAINER: BUCKET,
    MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
    MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
  })
  storage = await import("@/lib/storage")
  uploads = await import("@/lib/uploads")
  reconcile = (await import("@/lib/reconcile")).reconcile
  await storage.ensureBucket({ corsOrigins: [APP_ORIGIN] })
  const { registerUser } = await import("@/lib/accounts")
  owner = { ...(await registerUser({ email: "reconcile@example.com", password: "perfectly-fine-1" })), via: "session" }
})

afterAll(async () => {
  await database.cleanUp()
})

describe(`reconcile on ${PROFILE} storage`, () => {
  const state: Record<string, Awaited<ReturnType<typeof uploadFile>>> = {}

  it("reports a clean state as clean: files intact, an upload in flight is not an orphan", async () => {
    state.hashed = await uploadFile(3000, { withDigest: true })
    state.plain = await uploadFile(2000, { withDigest: false })
    state.multipart = await uploadFile(5 * MIB + 1000, { withDigest: true })
    state.resized = await uploadFile(1000, { withDigest: false })
    state.replaced = await uploadFile(1500, { withDigest: false })
    // Granted and put, not completed yet, still inside its window.
    const inFlight = await uploads.grantUpload(owner, {
      name: "in-flight.bin",
      size: 10,
      type: "application/octet-stream",
    })
    if (inFlight.multipart) throw new Error("expected a single PUT")
    await put(inFlight.url, bytes(10), inFlight.headers)

    const report = await reconcile({ verifyHashes: true })
    expect(report).toMatchObject({
      clean: true,
      objects: 6,
      files: 5,
      inFlight: 1,
      hashed: 2,
      withoutDigest: 3,
      problems: [],
    })
    // Completion recorded each object's ETag, single PUT and multipart, and the listing agrees with it.
    expect(await query(database.url, `SELECT id FROM "File" WHERE etag IS NULL`)).toEqual([])

    const cli = await runCli([])
    expect(cli.code, cli.stderr).toBe(0)
    expect(cli.stdout).toContain(
      `reconcile: bucket ${BUCKET}: 6 object(s), 5 file(s), 1 object(s) of uploads in flight skipped`,
    )
    expect(cli.stdout.trim().split("\n").at(-1)).toBe("reconcile: clean")
  })

  it("reports an orphan object, a file whose object was deleted, a resized object and replaced ones", async () => {
    const orphanKey = `u/${owner.id}/planted-${randomBytes(4).toString("hex")}`
    await putObject(orphanKey, bytes(321))
    await storage.deleteObject(state.plain?.key ?? "")
    await putObject(state.resized?.key ?? "", bytes(999))
    // Same key, same size, other bytes: the recorded ETag tells, and reading it back against the
    // recorded SHA-256 too.
    await putObject(state.hashed?.key ?? "", bytes(3000))
    // The uploader's own PUT URL still works for a while after completion, but only to create:
    // it cannot replace the verified object.
    const replacedGrant = state.replaced?.grant
    if (!replacedGrant || replacedGrant.multipart) throw new Error("expected a single PUT")
    const replay = await fetch(replacedGrant.url, { method: "PUT", body: bytes(1500), headers: replacedGrant.headers })
    await replay.arrayBuffer()
    // A create-only key: S3's conditional write answers 412, Azure's `sp=c` key 403.
    expect(replay.status).toBe(isAzure ? 403 : 412)
    // Replaced with the bucket's credentials instead: other bytes, same size and type. Only the
    // ETag recorded at completion shows it (no digest was declared). On Azure recipients read the
    // snapshot completion took, so nothing replaces what they get; the case is S3's.
    if (!isAzure) await putObject(state.replaced?.key ?? "", bytes(1500))
    // An upload past its window whose object the reaper has not removed yet.
    const stale = await uploads.grantUpload(owner, { name: "stale.bin", size: 20, type: "application/octet-stream" })
    if (stale.multipart) throw new Error("expected a single PUT")
    await put(stale.url, bytes(20), stale.headers)
    await query(
      database.url,
      `UPDATE "Upload" SET "expiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 minute' WHERE id = $1`,
      [stale.id],
    )

    const quick = await reconcile()
    expect(quick.clean).toBe(false)
    const replaced = isAzure ? 0 : 1
    expect(quick.problems).toHaveLength(5 + replaced)
    expect(quick.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "orphan-object",
          key: orphanKey,
          size: 321,
          reason: "no upload or file records it",
        }),
        expect.objectContaining({
          kind: "orphan-object",
          key: uploads.objectKeyFor(owner.id, stale.id),
          reason: expect.stringMatching(/expired and awaits the reaper/),
        }),
        { kind: "missing-object", key: state.plain?.key, fileId: state.plain?.fileId, uploadId: state.plain?.uploadId },
        { kind: "size-mismatch", key: state.resized?.key, fileId: state.resized?.fileId, expected: 1000, actual: 999 },
        expect.objectContaining({ kind: "etag-mismatch", key: state.hashed?.key, fileId: state.hashed?.fileId }),
        ...(replaced
          ? [
              expect.objectContaining({
                kind: "etag-mismatch",
                key: state.replaced?.key,
                fileId: state.replaced?.fileId,
              }),
            ]
          : []),
      ]),
    )

    const thorough = await reconcile({ verifyHashes: true })
    expect(thorough.problems).toHaveLength(6 + replaced)
    expect(thorough.problems).toContainEqual({
      kind: "hash-mismatch",
      key: state.hashed?.key,
      fileId: state.hashed?.fileId,
      expected: sha256Of(state.hashed?.data ?? new Uint8Array()),
      actual: expect.any(String),
    })
    // The multipart file's bytes still match what its uploader declared.
    expect(thorough.problems.map((problem) => problem.key)).not.toContain(state.multipart?.key)
    expect(thorough.hashed).toBe(2)
  })

  it("exits 1 with every problem in --json, and 0 again once the reaper and an operator cleaned up", async () => {
    const dirty = await runCli(["--json", "--verify-hashes"])
    expect(dirty.code, dirty.stderr).toBe(1)
    const report = JSON.parse(dirty.stdout)
    expect(report.clean).toBe(false)
    expect(report.problems.map((problem: { kind: string }) => problem.kind).sort()).toEqual([
      ...(isAzure ? [] : ["etag-mismatch"]),
      "etag-mismatch",
      "hash-mismatch",
      "missing-object",
      "orphan-object",
      "orphan-object",
      "size-mismatch",
    ])

    // What an operator would do with that report: reap, remove the orphan, drop the broken files.
    await (await import("@/lib/reaper")).runReaperOnce()
    for (const problem of report.problems) {
      if (problem.kind === "orphan-object") await storage.deleteObject(problem.key)
      else {
        await storage.deleteObject(problem.key)
        await query(database.url, `DELETE FROM "File" WHERE id = $1`, [problem.fileId])
      }
    }
    const clean = await runCli([])
    expect(clean.code, clean.stdout + clean.stderr).toBe(0)
    expect(clean.stdout).toMatch(/reconcile: clean\s*$/)
  })

  it("exits 2 when it cannot reach storage", async () => {
    const unreachable = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ["--import", "tsx", "scripts/reconcile.ts"],
        {
          env: {
            ...process.env,
            S3_ENDPOINT: "http://127.0.0.1:9",
            AZURE_BLOB_ENDPOINT: `http://127.0.0.1:9/${process.env.AZURE_STORAGE_ACCOUNT}`,
          },
        },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 0) : 0, stderr }),
      ),
    )
    expect(unreachable.code).toBe(2)
    expect(unreachable.stderr).toMatch(/^reconcile: Storage is unavailable/m)
  })
})
