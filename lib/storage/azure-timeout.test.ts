import { createServer, type Server, type Socket } from "node:net"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { ApiError } from "@/lib/errors"

/**
 * A blob service that accepts connections and never answers (a hung host, a firewall dropping
 * packets mid-connection): the SDK's own try timeout only asks the service to give up, so without
 * a client-side bound every storage call, and the request waiting on it, would hang for good.
 */
const sockets = new Set<Socket>()
const silent: Server = createServer((socket) => {
  sockets.add(socket)
  socket.on("error", () => undefined)
})

vi.stubEnv("DATABASE_URL", "postgresql://unused@127.0.0.1:1/unused")
vi.stubEnv("AUTH_SECRET", "unit-test-secret-of-at-least-32-characters")
vi.stubEnv("STORAGE_BACKEND", "azure")
vi.stubEnv("AZURE_STORAGE_ACCOUNT", "valetunit")
vi.stubEnv("AZURE_STORAGE_KEY", Buffer.from("unit-test-account-key").toString("base64"))
vi.stubEnv("AZURE_STORAGE_CONTAINER", "valet-unit")
vi.stubEnv("AZURE_SAS_ALLOW_HTTP", "true")

let storage: typeof import("@/lib/storage")
beforeAll(async () => {
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve))
  const address = silent.address()
  if (!address || typeof address === "string") throw new Error("no port")
  vi.stubEnv("AZURE_BLOB_ENDPOINT", `http://127.0.0.1:${address.port}/valetunit`)
  storage = await import("@/lib/storage")
})

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => silent.close(resolve))
})

describe("the Azure adapter against a blob service that never answers", () => {
  it("gives up within half a minute with storage_unavailable (503), for reads and for completion's snapshot", async () => {
    const started = Date.now()
    const [head, seal] = await Promise.allSettled([
      storage.headObject("u/user/upload"),
      storage.sealObject("u/user/upload"),
    ])
    const elapsed = Date.now() - started
    for (const outcome of [head, seal]) {
      expect(outcome.status).toBe("rejected")
      const reason = outcome.status === "rejected" ? (outcome.reason as unknown) : undefined
      expect(reason).toBeInstanceOf(ApiError)
      expect((reason as ApiError).code).toBe("storage_unavailable")
    }
    expect(elapsed).toBeLessThan(30_000)
  }, 45_000)
})
