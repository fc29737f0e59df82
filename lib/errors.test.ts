import { describe, expect, it, vi } from "vitest"
import { z } from "zod"
import { ApiError, handleApiError, readJson, redactUrlQueries } from "@/lib/errors"

describe("handleApiError", () => {
  it("answers an ApiError with its status, code and message", async () => {
    const response = handleApiError(new ApiError(413, "file_too_large", "Too big"))
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual({ error: { code: "file_too_large", message: "Too big" } })
  })

  it("turns a validation failure into a 400 naming the field", async () => {
    const parsed = z.object({ size: z.number().int().positive() }).safeParse({ size: -1 })
    const response = handleApiError(parsed.error)
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body.error.code).toBe("invalid_request")
    expect(body.error.message).toMatch(/^size: /)
    expect(body.error.issues[0].path).toBe("size")
  })

  it("maps Prisma's not-found and unique-violation codes", () => {
    expect(handleApiError(Object.assign(new Error("x"), { code: "P2025" })).status).toBe(404)
    expect(handleApiError(Object.assign(new Error("x"), { code: "P2002" })).status).toBe(409)
  })

  it("hides anything else behind a generic 500 with a request id, never the stack", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined)
    const response = handleApiError(new Error("connection string postgresql://secret@db"))
    expect(response.status).toBe(500)
    const text = await response.text()
    expect(text).not.toContain("secret")
    expect(text).not.toContain("at ")
    expect(JSON.parse(text).error).toMatchObject({ code: "internal_error" })
    expect(logged).toHaveBeenCalledOnce()
    logged.mockRestore()
  })
})

describe("logging an unexpected error", () => {
  const presigned =
    "http://127.0.0.1:4569/valet/u/user1/up1?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=KEY%2F20261123&X-Amz-Signature=abc123def456"

  it("never writes a presigned URL's query (its signature) to the log", () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined)
    handleApiError(new Error(`fetch failed for ${presigned}`))
    const line = logged.mock.calls.flat().join(" ")
    expect(line).toContain("http://127.0.0.1:4569/valet/u/user1/up1?[redacted]")
    expect(line).not.toContain("X-Amz-Signature")
    expect(line).not.toContain("abc123def456")
    logged.mockRestore()
  })

  it("leaves text without URLs alone and redacts every URL in it", () => {
    expect(redactUrlQueries("plain message")).toBe("plain message")
    expect(redactUrlQueries(`a ${presigned} b https://x.example/p?t=1`)).toBe(
      "a http://127.0.0.1:4569/valet/u/user1/up1?[redacted] b https://x.example/p?[redacted]",
    )
  })
})

describe("readJson", () => {
  it("rejects malformed JSON as the client's error", async () => {
    const request = new Request("http://localhost/x", { method: "POST", body: "{nope" })
    await expect(readJson(request)).rejects.toMatchObject({ status: 400, code: "invalid_json" })
  })
})

describe("a database that is down or restarting", () => {
  // Shapes seen when stopping PostgreSQL under a running app (tests/cluster/faults.test.ts).
  const adapterError = (code: string, cause: Record<string, unknown>) =>
    Object.assign(new Error("Invalid `prisma.user.findFirst()` invocation"), {
      code,
      meta: { driverAdapterError: { name: "DriverAdapterError", cause } },
    })

  it.each([
    ["P1001 (cannot reach)", adapterError("P1001", { kind: "DatabaseNotReachable", host: "127.0.0.1", port: 5432 })],
    ["a raw query's P2010 with an unreachable server", adapterError("P2010", { kind: "DatabaseNotReachable" })],
    ["57P01 (terminated by a shutdown)", adapterError("P2010", { kind: "postgres", code: "57P01", severity: "FATAL" })],
    ["57P03 (starting up)", adapterError("P2039", { kind: "postgres", code: "57P03", severity: "FATAL" })],
    ["a connection closed mid-transaction", new Error("Client has encountered a connection error and is not queryable")],
    ["a connection lost by node-postgres", new Error("Connection terminated unexpectedly")],
  ])("answers %s with 503 database_unavailable and Retry-After", async (_, error) => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined)
    const response = handleApiError(error)
    expect(response.status).toBe(503)
    expect(response.headers.get("retry-after")).toBe("5")
    expect(await response.json()).toMatchObject({ error: { code: "database_unavailable" } })
    logged.mockRestore()
  })

  it("leaves other database errors alone", () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined)
    expect(handleApiError(adapterError("P2010", { kind: "postgres", code: "42601", severity: "ERROR" })).status).toBe(500)
    expect(handleApiError(adapterError("P2002", { kind: "UniqueConstraintViolation" })).status).toBe(409)
    logged.mockRestore()
  })
})
