import { readFileSync } from "node:fs"
import path from "node:path"
import { createTranslator } from "next-intl"
import { describe, expect, it } from "vitest"
import { LOCALES } from "@/i18n/locales"
import { updateAccountSchema } from "@/lib/shared/validations/account"
import { createApiTokenSchema, registerSchema, signInSchema } from "@/lib/shared/validations/auth"
import {
  readValidationMessage,
  say,
  VALIDATION_MESSAGES,
  type ValidationMessageKey,
} from "@/lib/shared/validations/messages"
import { createShareSchema, updateShareSchema } from "@/lib/shared/validations/shares"
import { createUploadRequestSchema } from "@/lib/shared/validations/upload-requests"

const KEYS = Object.keys(VALIDATION_MESSAGES) as ValidationMessageKey[]
const translator = (locale: string) =>
  createTranslator({
    locale,
    messages: JSON.parse(readFileSync(path.resolve("messages", `${locale}.json`), "utf8")),
    namespace: "validation",
  })

const messagesOf = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.error?.issues.map((issue) => issue.message) ?? []

describe("validation messages", () => {
  it.each(KEYS)("%s reads back to its key and values, with or without the UI's full stop", (key) => {
    const english = say(key, { max: 120, min: 4, what: "The title" })
    expect(english).not.toMatch(/[{}]/)
    expect(readValidationMessage(english)?.key).toBe(key)
    expect(readValidationMessage(`${english}.`)?.key).toBe(key)
  })

  it("gives numbers back as numbers (for plurals) and knows nothing it did not write", () => {
    expect(readValidationMessage("Use at most 100 characters")).toEqual({ key: "tooLong", params: { max: 100 } })
    expect(readValidationMessage("Too big: expected string to have <=100 characters")).toBeUndefined()
    expect(readValidationMessage("Part numbers start at 1")).toBeUndefined()
  })

  it.each(LOCALES)("every key has a %s message that formats", (locale) => {
    const t = translator(locale)
    for (const key of [...KEYS, "invalid", "required", "tooLarge", "tooSmall"]) {
      const text = t(key, { max: 100, min: 4, what: "x" })
      expect(text, key).not.toMatch(/^validation\.|[{}]/)
    }
  })

  it("what the forms' schemas say reads back to a key: no English reaches a German or Arabic page", () => {
    const said = [
      ...messagesOf(registerSchema.safeParse({ email: "", password: "short", name: "n".repeat(101) })),
      ...messagesOf(registerSchema.safeParse({ email: "not-an-email", password: "password" })),
      ...messagesOf(registerSchema.safeParse({ email: "ada@example.com", password: "ada@example.com-x" })),
      ...messagesOf(signInSchema.safeParse({ email: "ada@example.com", password: "" })),
      ...messagesOf(createApiTokenSchema.safeParse({ name: "" })),
      ...messagesOf(createApiTokenSchema.safeParse({ name: "t".repeat(101) })),
      ...messagesOf(updateAccountSchema.safeParse({ name: "a\u202eb" })),
      ...messagesOf(createShareSchema.safeParse({ fileId: "f1", expiresIn: 10, maxDownloads: 0, password: "ab" })),
      ...messagesOf(updateShareSchema.safeParse({ title: "t".repeat(121) })),
      ...messagesOf(createUploadRequestSchema.safeParse({ title: "" })),
    ]
    expect(said.length).toBeGreaterThan(10)
    expect(said.filter((message) => !readValidationMessage(message))).toEqual([])
    expect(translator("de")("tooLong", readValidationMessage("Use at most 100 characters")?.params)).toBe(
      "Höchstens 100 Zeichen",
    )
  })
})
