import { describe, expect, it } from "vitest"
import { createApiTokenSchema, registerSchema, signInSchema } from "@/lib/shared/validations/auth"

const messagesFor = (input: unknown) => {
  const result = registerSchema.safeParse(input)
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`)
}

describe("registerSchema", () => {
  it("normalises the email and drops a blank name", () => {
    expect(registerSchema.parse({ email: " Ada@Example.COM ", password: "analytical-engine", name: "  " })).toEqual({
      email: "ada@example.com",
      password: "analytical-engine",
      name: undefined,
    })
  })

  it("accepts 8 characters and refuses 7", () => {
    expect(messagesFor({ email: "a@example.com", password: "abcdefg8" })).toEqual([])
    expect(messagesFor({ email: "a@example.com", password: "abcdef7" })).toEqual([
      "password: Use at least 8 characters",
    ])
  })

  it("refuses breach-list passwords in any case", () => {
    expect(messagesFor({ email: "a@example.com", password: "QWERTYUIOP" })).toEqual([
      "password: This password is too common; choose another",
    ])
  })

  it("refuses a password built from a guessable email local part, but not from a short one", () => {
    expect(messagesFor({ email: "johnsmith@example.com", password: "JohnSmith!2024" })).toEqual([
      "password: Your password must not contain your email address",
    ])
    expect(messagesFor({ email: "jo@example.com", password: "jolly-roger-42" })).toEqual([])
  })
})

describe("signInSchema", () => {
  it("checks shape only, so older passwords that break today's rules still sign in", () => {
    expect(signInSchema.safeParse({ email: "a@example.com", password: "short" }).success).toBe(true)
    expect(signInSchema.safeParse({ email: "a@example.com", password: "" }).success).toBe(false)
  })
})

describe("createApiTokenSchema", () => {
  it("accepts a missing or null expiry as never", () => {
    expect(createApiTokenSchema.parse({ name: "ci" })).toEqual({ name: "ci" })
    expect(createApiTokenSchema.parse({ name: "ci", expiresInDays: null })).toEqual({ name: "ci", expiresInDays: null })
  })
})
