/**
 * The storage self-test (issue 21) against each real storage server: the happy path, then the
 * mistakes it exists for, each set up for real — a CORS rule without the app's origin, one that
 * hides ETag, a public endpoint nothing answers at, keys signed for an internal or plain-http host
 * while the app is public, an unreachable bucket — through the library, the admin route (with its
 * browser probe played by fetch) and `npm run doctor` (exit codes and lines).
 */
import { spawn } from "node:child_process"
import { PutBucketCorsCommand, S3Client } from "@aws-sdk/client-s3"
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import type { StorageCheck, StorageCheckId, StorageCheckReport } from "@/lib/shared/storage-check"
import { apiRequest, APP_ORIGIN, browserHeaders, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { isAzure, keyLifetimeSeconds, STORED } from "@/tests/support/storage-profile"

const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
/** A bucket of its own: its CORS rule is broken on purpose below. */
const BUCKET = "valet-self-test"
/** A loopback port nothing listens on. */
const CLOSED = "http://127.0.0.1:9"
const BASE_ENV = { S3_BUCKET: BUCKET, AZURE_STORAGE_CONTAINER: BUCKET }

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let admin: { id: string }

/** The app's modules with `env` on top of the test's (lib/env and the storage clients read it once). */
async function withEnv(env: Record<string, string>) {
  // Each call starts from the test's own environment: no setting leaks from one case to the next.
  vi.unstubAllEnvs()
  const all = { ...BASE_ENV, ...(database ? { DATABASE_URL: database.url } : {}), ...env }
  for (const [name, value] of Object.entries(all)) vi.stubEnv(name, value)
  vi.resetModules()
  return {
    storage: await import("@/lib/storage"),
    selfTest: await import("@/lib/storage-check"),
  }
}

async function selfTest(env: Record<string, string> = {}) {
  const { selfTest } = await withEnv(env)
  return selfTest.runStorageSelfTest()
}

const checkOf = (report: StorageCheckReport, id: StorageCheckId): StorageCheck => {
  const check = report.checks.find((each) => each.id === id)
  if (!check) throw new Error(`no ${id} check in ${JSON.stringify(report.checks)}`)
  return check
}

/** Sets the CORS rule straight through the SDK: the app's own ensureBucket never writes a wrong one. */
async function setCorsWithoutEtag() {
  if (isAzure) {
    const account = process.env.AZURE_STORAGE_ACCOUNT ?? ""
    const service = new BlobServiceClient(
      process.env.AZURE_BLOB_ENDPOINT ?? "",
      new StorageSharedKeyCredential(account, process.env.AZURE_STORAGE_KEY ?? ""),
    )
    await service.setProperties({
      cors: [
        {
          allowedOrigins: APP_ORIGIN,
          allowedMethods: "GET,HEAD,PUT,DELETE,OPTIONS",
          allowedHeaders: "*",
          exposedHeaders: "content-length",
          maxAgeInSeconds: 60,
        },
      ],
    })
    return
  }
  const client = new S3Client({
    endpoint: process.env.S3_ENDPOINT,
    region: process.env.S3_REGION ?? "us-east-1",
    forcePathStyle: true,
    credentials: {
      accessKeyId: process.env.S3_ACCESS_KEY_ID ?? "",
      secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? "",
    },
    requestChecksumCalculation: "WHEN_REQUIRED",
  })
  await client.send(
    new PutBucketCorsCommand({
      Bucket: BUCKET,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: [APP_ORIGIN],
            AllowedMethods: ["GET", "PUT", "HEAD", "DELETE"],
            AllowedHeaders: ["*"],
            ExposeHeaders: ["Content-Length"],
          },
        ],
      },
    }),
  )
}

/** `npm run doctor` as an operator runs it, with `env` on top of the test's environment. */
function runDoctor(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/doctor.ts"], {
      env: { ...process.env, ...BASE_ENV, DATABASE_URL: database.url, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.once("error", reject)
    child.once("exit", (code) => resolve({ code, stdout, stderr }))
  })
}

beforeAll(async () => {
  database = await useFreshDatabase(BASE_ENV)
  const { storage } = await withEnv({})
  await storage.ensureBucket({ corsOrigins: [APP_ORIGIN] })
  const { registerUser } = await import("@/lib/accounts")
  admin = await registerUser({ email: "self-test-admin@example.com", password: "perfectly-fine-1" })
})

afterAll(async () => {
  // Leave the (service-wide, on Azure) CORS rule as the app sets it.
  const { storage } = await withEnv({})
  await storage.ensureBucket({ corsOrigins: [APP_ORIGIN] })
  await database?.cleanUp()
})

describe(`storage self-test on ${PROFILE} storage`, () => {
  it("passes every check on a correctly set-up bucket, and leaves no probe object behind", async () => {
    const report = await selfTest()
    expect(report.checks.map((check) => [check.id, check.status, check.fix ?? null])).toEqual([
      ["bucket", "ok", null],
      ["public_endpoint", "ok", null],
      ["cors", "ok", null],
      ["clock", "ok", null],
      ["checksums", "ok", null],
      ["presign_host", "ok", null],
    ])
    expect(report.probe).toBeUndefined()
    // The S3 client's real settings, as the check read them.
    if (!isAzure)
      expect(checkOf(report, "checksums").values).toEqual({ request: "WHEN_REQUIRED", response: "WHEN_REQUIRED" })
    expect(Math.abs(Number(checkOf(report, "clock").values?.seconds))).toBeLessThanOrEqual(2)
    const { storage, selfTest: module } = await withEnv({})
    const left: string[] = []
    for await (const page of storage.listObjects(module.PROBE_PREFIX)) left.push(...page.map((object) => object.key))
    expect(left).toEqual([])
  })

  it("the admin route mints a browser probe that works, audits its keys, and refuses non-admins", async () => {
    await withEnv({})
    const { POST } = await import("@/app/api/admin/storage-check/route")
    const response = await POST(
      apiRequest("POST", "/api/admin/storage-check", { headers: await browserHeaders(admin.id) }),
    )
    expect(response.status).toBe(200)
    const report = (await response.json()) as StorageCheckReport
    expect(report.checks.filter((check) => check.status !== "ok")).toEqual([])
    if (!report.probe) throw new Error("no browser probe")
    // The page's probe, played by fetch (no CORS here; the e2e spec runs it in Chromium).
    const { runBrowserProbe } = await import("@/lib/shared/storage-check")
    expect(await runBrowserProbe(report.probe)).toMatchObject({ id: "browser", status: "ok" })
    // Its object is gone, and each of its three keys is an audit row without the URL.
    const { storage } = await withEnv({})
    const objectKey = `self-test/${new URL(report.probe.put.url).pathname.split("/self-test/")[1]}`
    expect(await storage.headObject(objectKey)).toBeNull()
    const rows = await query<{ method: string; objectKey: string; details: unknown }>(
      database.url,
      `SELECT method, "objectKey", details FROM "AuditEvent" WHERE action = 'admin.storage_check' ORDER BY method`,
    )
    expect(rows.map((row) => [row.method, row.objectKey])).toEqual([
      ["DELETE", objectKey],
      ["GET", objectKey],
      ["PUT", objectKey],
    ])

    const { registerUser } = await import("@/lib/accounts")
    const user = await registerUser({ email: "self-test-user@example.com", password: "perfectly-fine-2" })
    const refused = await POST(
      apiRequest("POST", "/api/admin/storage-check", { headers: await browserHeaders(user.id) }),
    )
    expect(refused.status).toBe(403)
  })

  it("a browser probe's keys find nothing once its object is deleted, and are refused once the server's deletion is due", async () => {
    // Probe keys live 4 s here instead of 60 s: the same property (storage enforces the key's
    // expiry; the server deletes the object STORAGE_CHECK_PROBE_TTL_SECONDS + 5 s after minting).
    const ttlSeconds = 4
    const { selfTest: module, storage } = await withEnv({ STORAGE_CHECK_PROBE_TTL_SECONDS: String(ttlSeconds) })
    const report = await module.runStorageSelfTest({ browserProbeFor: { id: admin.id, via: "session" } })
    if (!report.probe) throw new Error("no browser probe")
    const { probe } = report
    expect(keyLifetimeSeconds(probe.put.url)).toBeGreaterThan(0)
    expect(keyLifetimeSeconds(probe.put.url)).toBeLessThanOrEqual(ttlSeconds)
    const objectKey = `self-test/${new URL(probe.put.url).pathname.split("/self-test/")[1]}`
    const send = async (request: { url: string; headers: Record<string, string> }, method: string) => {
      const response = await fetch(request.url, {
        method,
        headers: request.headers,
        body: method === "PUT" ? probe.body : undefined,
      })
      await response.arrayBuffer()
      return response.status
    }
    const { runBrowserProbe } = await import("@/lib/shared/storage-check")
    expect(await runBrowserProbe(probe)).toMatchObject({ id: "browser", status: "ok" })
    // The page deleted its object: the GET key, still alive, finds nothing.
    expect(await send(probe.get, "GET")).toBe(404)
    // A page that closed before its DELETE (or a replayed PUT key) leaves an object behind…
    expect(await send(probe.put, "PUT")).toBe(STORED)
    expect(await storage.headObject(objectKey)).not.toBeNull()
    // …which the server deletes once the keys are dead.
    await expect
      .poll(() => storage.headObject(objectKey), { timeout: (ttlSeconds + 10) * 1000, interval: 250 })
      .toBeNull()
    // After the server's deletion and the keys' expiry, storage refuses every one of them.
    expect(await send(probe.put, "PUT")).toBe(403)
    expect(await send(probe.get, "GET")).toBe(403)
    expect(await send(probe.delete, "DELETE")).toBe(403)
    expect(await storage.headObject(objectKey)).toBeNull()
  })

  it("catches a CORS rule that does not allow the app's origin", async () => {
    const { storage } = await withEnv({})
    await storage.ensureBucket({ corsOrigins: ["https://somewhere-else.example"] })
    try {
      const report = await selfTest()
      expect(checkOf(report, "cors")).toEqual({
        id: "cors",
        status: "fail",
        fix: "cors_origin",
        values: { origin: APP_ORIGIN },
      })
      expect(checkOf(report, "bucket").status).toBe("ok")
    } finally {
      await storage.ensureBucket({ corsOrigins: [APP_ORIGIN] })
    }
  })

  it("catches a CORS rule that allows the origin but hides ETag", async () => {
    await setCorsWithoutEtag()
    try {
      expect(checkOf(await selfTest(), "cors")).toMatchObject({ status: "fail", fix: "cors_etag" })
    } finally {
      const { storage } = await withEnv({})
      await storage.ensureBucket({ corsOrigins: [APP_ORIGIN] })
    }
  })

  it("catches a public endpoint nothing answers at, on the server and in the browser's probe", async () => {
    const publicVar = isAzure ? "AZURE_BLOB_PUBLIC_ENDPOINT" : "S3_PUBLIC_ENDPOINT"
    const wrong = isAzure ? `${CLOSED}/${process.env.AZURE_STORAGE_ACCOUNT}` : CLOSED
    const { selfTest: module } = await withEnv({ [publicVar]: wrong })
    const report = await module.runStorageSelfTest({ browserProbeFor: { id: admin.id, via: "session" } })
    // The server's own address still works; the one browsers are given does not.
    expect(checkOf(report, "bucket").status).toBe("ok")
    expect(checkOf(report, "public_endpoint")).toEqual({
      id: "public_endpoint",
      status: "fail",
      fix: "public_unreachable",
      values: { host: "127.0.0.1:9", publicVar },
    })
    if (!report.probe) throw new Error("no browser probe")
    const { runBrowserProbe } = await import("@/lib/shared/storage-check")
    expect(await runBrowserProbe(report.probe)).toEqual({
      id: "browser",
      status: "fail",
      fix: "browser_blocked",
      values: { step: "PUT", host: "127.0.0.1:9" },
    })
  })

  it("catches keys signed for a host or scheme the app's public browsers cannot use", async () => {
    const internal = checkOf(await selfTest({ APP_URL: "http://valet.example.com" }), "presign_host")
    expect(internal).toMatchObject({ status: "fail", fix: "presign_internal_host" })
    expect(internal.values?.appOrigin).toBe("http://valet.example.com")
    const mixed = checkOf(await selfTest({ APP_URL: "https://valet.example.com" }), "presign_host")
    expect(mixed).toMatchObject({ status: "fail", fix: "presign_mixed_content" })
  })

  it("says the bucket is unreachable, and skips what needs it", async () => {
    const env: Record<string, string> = isAzure
      ? { AZURE_BLOB_ENDPOINT: `${CLOSED}/${process.env.AZURE_STORAGE_ACCOUNT}` }
      : { S3_ENDPOINT: CLOSED }
    const { selfTest: module } = await withEnv(env)
    const { logSink } = await import("@/lib/log")
    const quiet = vi.spyOn(logSink, "write").mockImplementation(() => undefined)
    try {
      const report = await module.runStorageSelfTest()
      expect(checkOf(report, "bucket")).toMatchObject({ status: "fail", fix: "bucket_unreachable" })
      for (const id of ["public_endpoint", "cors", "clock"] as const) {
        expect(checkOf(report, id)).toMatchObject({ status: "skipped", fix: "needs_bucket" })
      }
      expect(module.hasFailure(report)).toBe(true)
    } finally {
      quiet.mockRestore()
    }
  })

  it("npm run doctor prints one line per check and exits 0, or 1 with the fix when a check fails", async () => {
    await withEnv({}) // the process environment as the test file set it, no earlier case's settings
    const good = await runDoctor({})
    expect(good.code, good.stdout + good.stderr).toBe(0)
    const lines = good.stdout.trim().split("\n")
    expect(lines).toHaveLength(7)
    expect(lines.slice(0, 6).every((line) => line.startsWith("ok  "))).toBe(true)
    expect(lines[0]).toContain("Bucket reachable from the server")

    const publicVar = isAzure ? "AZURE_BLOB_PUBLIC_ENDPOINT" : "S3_PUBLIC_ENDPOINT"
    const wrong = isAzure ? `${CLOSED}/${process.env.AZURE_STORAGE_ACCOUNT}` : CLOSED
    const bad = await runDoctor({ [publicVar]: wrong })
    expect(bad.code).toBe(1)
    const failed = bad.stdout.split("\n").filter((line) => line.startsWith("FAIL"))
    expect(failed).toEqual([
      `FAIL  Public endpoint answers from the server: Nothing answers at 127.0.0.1:9: set ${publicVar} to the address browsers use to reach storage.`,
    ])
    // No key, signature or secret reaches the output.
    expect(bad.stdout + bad.stderr).not.toMatch(/X-Amz-Signature|[?&]sig=|X-Amz-Credential/)
  })
})
