import { afterEach, describe, expect, it, vi } from "vitest"
import { getLog, logSink } from "@/lib/log"
import { route } from "@/lib/route"

const request = (headers: Record<string, string> = {}) => new Request("http://localhost:3000/api/anything", { headers })

afterEach(() => {
  vi.restoreAllMocks()
})

describe("route()", () => {
  it("declares its access, defaults no-store and answers with a new request id", async () => {
    const handler = route("public", () => Response.json({ ok: true }))
    expect(handler.access).toBe("public")
    const response = await handler(request())
    expect(response.headers.get("cache-control")).toBe("no-store")
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
    const other = await handler(request())
    expect(other.headers.get("x-request-id")).not.toBe(response.headers.get("x-request-id"))
  })

  it("keeps a caller's plain request id, and replaces one that could forge a log line", async () => {
    const handler = route("public", () => new Response(null, { status: 204 }))
    expect((await handler(request({ "x-request-id": "lb-7f3a.1:2" }))).headers.get("x-request-id")).toBe("lb-7f3a.1:2")
    const forged = await handler(request({ "x-request-id": 'x {"level":60}' }))
    expect(forged.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/)
  })

  it("puts the request id on every line logged while the handler runs, and on a 500's message", async () => {
    const lines: string[] = []
    vi.spyOn(logSink, "write").mockImplementation((line: string) => void lines.push(line))
    const handler = route("public", () => {
      getLog().info("working on it")
      throw new Error("boom")
    })
    const response = await handler(request({ "x-request-id": "req-42" }))
    expect(response.status).toBe(500)
    expect(response.headers.get("x-request-id")).toBe("req-42")
    expect((await response.json()).error.message).toContain("req-42")
    const logged = lines.map((line) => JSON.parse(line) as { requestId?: string; level: number; msg: string })
    expect(logged.map((line) => line.requestId)).toEqual(["req-42", "req-42"])
    expect(logged[1]?.msg).toContain("boom")
    expect(logged[1]?.level).toBe(50)
  })

  it("lets a handler's own Cache-Control stand", async () => {
    const handler = route("public", () => new Response("x", { headers: { "Cache-Control": "public, max-age=60" } }))
    expect((await handler(request())).headers.get("cache-control")).toBe("public, max-age=60")
  })
})
