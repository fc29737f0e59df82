import { describe, expect, it, vi } from "vitest"
import { z } from "zod"
import {
  ApiError,
  DatabaseUnavailableError,
  handleApiError,
  isPgConnectionLost,
  JSON_BODY_MAX_BYTES,
  readJson,
  readOptionalJson,
  redactUrlQueries,
} from "@/lib/errors"
import { logSink } from "@/lib/log"

describe("handleApiError", () => {
  it("answers an ApiError with its status, code and message", async () => {
    const response = handleApiError(new ApiError("file_too_large", "Too big"))
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
    const logged = vi.spyOn(logSink, "write").mockImplementation(() => undefined)
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
    const logged = vi.spyOn(logSink, "write").mockImplementation(() => undefined)
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

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request("http://localhost/x", {
    method: "POST",
    body,
    headers,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit)

/** `{"pad":"xxx…"}` of exactly `bytes` bytes. */
const paddedBody = (bytes: number) => `{"pad":"${"x".repeat(bytes - 10)}"}`

/** A body sent in 1 KiB chunks without a Content-Length, as `Transfer-Encoding: chunked` arrives. */
const chunked = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      const bytes = new TextEncoder().encode(text)
      for (let offset = 0; offset < bytes.length; offset += 1024) controller.enqueue(bytes.slice(offset, offset + 1024))
      controller.close()
    },
  })

describe("readJson", () => {
  it("rejects malformed JSON as the client's error", async () => {
    const request = new Request("http://localhost/x", { method: "POST", body: "{nope" })
    await expect(readJson(request)).rejects.toMatchObject({ status: 400, code: "invalid_json" })
  })

  it("reads a body of exactly the cap and refuses one byte more with 413", async () => {
    expect(paddedBody(JSON_BODY_MAX_BYTES)).toHaveLength(JSON_BODY_MAX_BYTES)
    await expect(readJson(post(paddedBody(JSON_BODY_MAX_BYTES)))).resolves.toMatchObject({ pad: expect.any(String) })
    await expect(readJson(post(paddedBody(JSON_BODY_MAX_BYTES + 1)))).rejects.toMatchObject({
      status: 413,
      code: "body_too_large",
    })
  })

  it("counts bytes, not characters", async () => {
    const text = `{"pad":"${"€".repeat(Math.ceil(JSON_BODY_MAX_BYTES / 3))}"}`
    expect(text.length).toBeLessThan(JSON_BODY_MAX_BYTES)
    await expect(readJson(post(text))).rejects.toMatchObject({ status: 413 })
  })

  it("refuses a body declared too big before reading it, whatever it really holds", async () => {
    const body = new ReadableStream<Uint8Array>({
      pull() {
        throw new Error("the body must not be read")
      },
    })
    await expect(readJson(post(body, { "content-length": String(JSON_BODY_MAX_BYTES + 1) }))).rejects.toMatchObject({
      status: 413,
    })
  })

  it("counts a chunked body (no Content-Length) while reading, and one that lies about its length", async () => {
    await expect(readJson(post(chunked(paddedBody(JSON_BODY_MAX_BYTES))))).resolves.toMatchObject({
      pad: expect.any(String),
    })
    await expect(readJson(post(chunked(paddedBody(JSON_BODY_MAX_BYTES + 1))))).rejects.toMatchObject({
      status: 413,
      code: "body_too_large",
    })
    await expect(
      readJson(post(chunked(paddedBody(5 * JSON_BODY_MAX_BYTES)), { "content-length": "2" })),
    ).rejects.toMatchObject({ status: 413 })
  })

  it("takes a larger cap where a route allows one", async () => {
    const body = paddedBody(4 * JSON_BODY_MAX_BYTES)
    await expect(readJson(post(body), { maxBytes: 8 * JSON_BODY_MAX_BYTES })).resolves.toMatchObject({
      pad: expect.any(String),
    })
    await expect(readOptionalJson(post(body))).rejects.toMatchObject({ status: 413 })
  })

  it("refuses bytes that are not UTF-8", async () => {
    await expect(
      readJson(post(new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]))),
    ).rejects.toMatchObject({ status: 400, code: "invalid_json" })
  })
})

describe("readOptionalJson", () => {
  it("reads a missing or blank body as {}, anything else as JSON", async () => {
    await expect(readOptionalJson(new Request("http://localhost/x", { method: "POST" }))).resolves.toEqual({})
    await expect(readOptionalJson(post("  \n"))).resolves.toEqual({})
    await expect(readOptionalJson(post("null"))).resolves.toBeNull()
    await expect(readOptionalJson(post("{"))).rejects.toMatchObject({ status: 400, code: "invalid_json" })
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
    [
      "a connection closed mid-transaction",
      new Error("Client has encountered a connection error and is not queryable"),
    ],
    ["a connection lost by node-postgres", new Error("Connection terminated unexpectedly")],
    [
      "a prepared statement whose connection was refused",
      new DatabaseUnavailableError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
    ],
  ])("answers %s with 503 database_unavailable and Retry-After", async (_, error) => {
    const logged = vi.spyOn(logSink, "write").mockImplementation(() => undefined)
    const response = handleApiError(error)
    expect(response.status).toBe(503)
    expect(response.headers.get("retry-after")).toBe("5")
    expect(await response.json()).toMatchObject({ error: { code: "database_unavailable" } })
    logged.mockRestore()
  })

  it("leaves other database errors alone", () => {
    const logged = vi.spyOn(logSink, "write").mockImplementation(() => undefined)
    expect(handleApiError(adapterError("P2010", { kind: "postgres", code: "42601", severity: "ERROR" })).status).toBe(
      500,
    )
    expect(handleApiError(adapterError("P2002", { kind: "UniqueConstraintViolation" })).status).toBe(409)
    logged.mockRestore()
  })
})

describe("node-postgres errors on the prepared statements (lib/db.ts queryPrepared)", () => {
  it.each([
    ["a refused connection", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })],
    ["a reset socket", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })],
    ["57P01 (admin shutdown)", Object.assign(new Error("terminating connection"), { code: "57P01" })],
    ["08006 (connection failure)", Object.assign(new Error("connection failure"), { code: "08006" })],
    ["a connection that died mid-query", new Error("Connection terminated unexpectedly")],
  ])("count %s as the database going away", (_, error) => {
    expect(isPgConnectionLost(error)).toBe(true)
  })

  it.each([
    ["a syntax error", Object.assign(new Error("syntax error"), { code: "42601" })],
    ["a unique violation", Object.assign(new Error("duplicate key"), { code: "23505" })],
    ["a plain error", new Error("boom")],
  ])("leave %s alone", (_, error) => {
    expect(isPgConnectionLost(error)).toBe(false)
  })
})
