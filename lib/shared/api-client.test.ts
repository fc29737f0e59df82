import { describe, expect, it } from "vitest"
import { readApiFailure, retryHint, sentence } from "@/lib/shared/api-client"

describe("readApiFailure", () => {
  it("reads Valet's error body, its issues and a 429's Retry-After", async () => {
    const body = {
      error: { code: "rate_limited", message: "Too many sign-ups from your network; try again in 58 minutes" },
    }
    const failure = await readApiFailure(Response.json(body, { status: 429, headers: { "Retry-After": "3480" } }))
    expect(failure).toEqual({
      status: 429,
      code: "rate_limited",
      message: "Too many sign-ups from your network; try again in 58 minutes.",
      issues: [],
      retryAfterSeconds: 3480,
    })

    const invalid = {
      error: {
        code: "invalid_request",
        message: "email: Enter a valid email address",
        issues: [{ path: "email", message: "Enter a valid email address" }],
      },
    }
    expect((await readApiFailure(Response.json(invalid, { status: 400 }))).issues).toEqual([
      { path: "email", message: "Enter a valid email address" },
    ])
  })

  it("still gives a message for a body that is not ours", async () => {
    const failure = await readApiFailure(new Response("<html>Bad gateway</html>", { status: 502 }))
    expect(failure.code).toBe("unexpected_response")
    expect(failure.message).toBe("The server answered 502. Try again in a moment.")
    expect(failure.retryAfterSeconds).toBeUndefined()
  })

  it("keeps the message but not a code this build does not catalogue", async () => {
    const failure = await readApiFailure(
      Response.json({ error: { code: "no_such_code", message: "Something new" } }, { status: 400 }),
    )
    expect(failure.code).toBe("unexpected_response")
    expect(failure.message).toBe("Something new.")
  })
})

describe("sentence and retryHint", () => {
  it("end API clauses with a full stop, once", () => {
    expect(sentence("Token not found")).toBe("Token not found.")
    expect(sentence("Already a sentence.")).toBe("Already a sentence.")
  })

  it("say how long to wait in words", () => {
    expect(retryHint(45)).toBe("Try again in 45 seconds.")
    expect(retryHint(899)).toBe("Try again in 15 minutes.")
    expect(retryHint(undefined)).toBe("Wait a few minutes and try again.")
  })
})
