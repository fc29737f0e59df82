import { afterEach, describe, expect, it, vi } from "vitest"
import { isAzure } from "@/tests/support/storage-profile"

/** A loopback port nothing listens on: connections are refused at once. */
const CLOSED_ENDPOINT = "http://127.0.0.1:9"

async function loadHealthRoute() {
  // lib/env and lib/storage read the environment once per module instance.
  vi.resetModules()
  return import("@/app/api/health/route")
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe(`GET /api/health on ${process.env.VALET_STORAGE_PROFILE} storage`, () => {
  it("answers 200 when the database and storage are reachable", async () => {
    const { GET } = await loadHealthRoute()
    const response = await GET(new Request("http://localhost:3000/api/health"))
    expect(response.status).toBe(200)
    expect(response.headers.get("cache-control")).toBe("no-store")
    expect(await response.json()).toEqual({ status: "ok", checks: { database: "ok", storage: "ok" } })
  })

  it("answers 503 storage_unavailable when storage is down, and says the database is fine", async () => {
    if (isAzure) vi.stubEnv("AZURE_BLOB_ENDPOINT", `${CLOSED_ENDPOINT}/${process.env.AZURE_STORAGE_ACCOUNT}`)
    else vi.stubEnv("S3_ENDPOINT", CLOSED_ENDPOINT)
    const { GET } = await loadHealthRoute()
    const { logSink } = await import("@/lib/log")
    const logged = vi.spyOn(logSink, "write").mockImplementation(() => undefined)
    const response = await GET(new Request("http://localhost:3000/api/health"))
    expect(response.status).toBe(503)
    expect(response.headers.get("retry-after")).toBe("5")
    expect(await response.json()).toEqual({
      error: { code: "storage_unavailable", message: "Not ready: storage unreachable" },
      checks: { database: "ok", storage: "unavailable" },
    })
    // What reached the log names the operation, never a URL or credential.
    const logText = logged.mock.calls.flat().join(" ")
    expect(logText).toContain(isAzure ? "GetContainerProperties" : "HeadBucket")
    expect(logText).not.toContain(process.env.S3_SECRET_ACCESS_KEY ?? "<none>")
    expect(logText).not.toContain(process.env.AZURE_STORAGE_KEY ?? "<none>")
    logged.mockRestore()
  })

  it("answers 503 database_unavailable when PostgreSQL is down", async () => {
    vi.stubEnv("DATABASE_URL", "postgresql://valet:wrong@127.0.0.1:9/valet")
    // The Prisma client is kept across module reloads (dev hot reload); drop it for this check.
    const globals = globalThis as { valetPrisma?: { $disconnect(): Promise<void> } }
    const previous = globals.valetPrisma
    Reflect.deleteProperty(globals, "valetPrisma")
    try {
      const { GET } = await loadHealthRoute()
      const response = await GET(new Request("http://localhost:3000/api/health"))
      expect(response.status).toBe(503)
      expect(await response.json()).toMatchObject({
        error: { code: "database_unavailable" },
        checks: { database: "unavailable", storage: "ok" },
      })
    } finally {
      await globals.valetPrisma?.$disconnect()
      globals.valetPrisma = previous
    }
  })
})
