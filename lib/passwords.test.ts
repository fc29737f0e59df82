import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"

describe("createConcurrencyGate", () => {
  it("runs at most `max` tasks, queues `queue` more, and refuses the rest without starting them", async () => {
    const { createConcurrencyGate } = await import("@/lib/passwords")
    const gate = createConcurrencyGate({ max: 2, queue: 3, onRefused: () => new Error("busy") })
    const releases: (() => void)[] = []
    let started = 0
    let peak = 0
    let active = 0
    const task = () =>
      new Promise<number>((resolve) => {
        started++
        active++
        peak = Math.max(peak, active)
        releases.push(() => {
          active--
          resolve(started)
        })
      })
    const results = Array.from({ length: 8 }, () =>
      gate.run(task).then(
        () => "done",
        (error: Error) => error.message,
      ),
    )
    await new Promise((resolve) => setImmediate(resolve))
    expect(started).toBe(2)
    expect({ running: gate.running, waiting: gate.waiting }).toEqual({ running: 2, waiting: 3 })
    // The three beyond max + queue were refused at once, before their task ever started.
    // Each finished task hands its slot to the next in the queue, which adds its own release.
    while (releases.length > 0) {
      releases.shift()?.()
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(await Promise.all(results)).toEqual(["done", "done", "done", "done", "done", "busy", "busy", "busy"])
    expect(started).toBe(5)
    expect(peak).toBe(2)
    expect({ running: gate.running, waiting: gate.waiting }).toEqual({ running: 0, waiting: 0 })
  })

  it("frees the slot when a task fails", async () => {
    const { createConcurrencyGate } = await import("@/lib/passwords")
    const gate = createConcurrencyGate({ max: 1, queue: 0, onRefused: () => new Error("busy") })
    await expect(gate.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom")
    await expect(gate.run(() => Promise.resolve("ok"))).resolves.toBe("ok")
  })
})

describe("password hashing under a flood", () => {
  beforeAll(() => {
    vi.stubEnv("DATABASE_URL", "postgresql://valet@127.0.0.1:1/valet")
    vi.stubEnv("AUTH_SECRET", "a".repeat(32))
    vi.stubEnv("UV_THREADPOOL_SIZE", "3")
    vi.resetModules()
  })
  afterAll(() => vi.unstubAllEnvs())

  it("refuses callers past the bound with 503 busy and Retry-After before any hashing, and serves the rest", async () => {
    const { assertHashCapacity, hashPassword, hashLoad, verifyPassword } = await import("@/lib/passwords")
    expect(() => assertHashCapacity()).not.toThrow()
    const stored = await hashPassword("the-right-password")
    // UV_THREADPOOL_SIZE=3: at most 2 at once (fewer on a 1-core machine), 4 per running slot queued.
    const order: string[] = []
    const attempts = Array.from({ length: 16 }, (_, index) =>
      verifyPassword(stored, index === 0 ? "the-right-password" : `guess-${index}`).then(
        (ok) => order.push(ok ? "verified" : "wrong"),
        (error: { code?: string; status?: number; headers?: Record<string, string> }) => {
          expect(error).toMatchObject({ code: "busy", status: 503, headers: { "Retry-After": "1" } })
          order.push("busy")
        },
      ),
    )
    // Full now: callers can be turned away before any other work (lib/auth.ts, the next-auth route).
    expect(() => assertHashCapacity()).toThrow(expect.objectContaining({ code: "busy" }))
    expect(hashLoad().running).toBeGreaterThanOrEqual(1)
    expect(hashLoad().running).toBeLessThanOrEqual(2)
    await Promise.all(attempts)
    const refused = order.filter((entry) => entry === "busy").length
    const checked = order.length - refused
    expect(checked).toBeLessThanOrEqual(10)
    expect(refused).toBe(16 - checked)
    // Refused before hashing: every refusal settled before the first check finished.
    expect(order.slice(0, refused)).toEqual(Array(refused).fill("busy"))
    expect(order).toContain("verified")
    expect(hashLoad()).toEqual({ running: 0, waiting: 0 })
    expect(() => assertHashCapacity()).not.toThrow()
  }, 60_000)
})
