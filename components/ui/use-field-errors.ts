"use client"

import { useState, type ReactNode } from "react"
import type { z } from "zod"
import { useValidationMessage, type IssueLike } from "@/components/use-validation-message"

/** Usually a schema's message; a server answer may add a link ("Sign in instead"). */
export type FieldErrors<Field extends string> = Partial<Record<Field, ReactNode>>

/**
 * The first message per top-level field, from zod issues or the API's `issues` (path "email"), in
 * the reader's language (`describe` is useValidationMessage's).
 */
export function fieldErrorsFrom<Field extends string>(
  issues: readonly (IssueLike & { path: readonly PropertyKey[] | string })[],
  fields: readonly Field[],
  describe: (issue: IssueLike) => string,
): { fieldErrors: Partial<Record<Field, string>>; otherMessages: string[] } {
  const fieldErrors: Partial<Record<Field, string>> = {}
  const otherMessages: string[] = []
  for (const issue of issues) {
    const head = typeof issue.path === "string" ? issue.path.split(".")[0] : issue.path[0]
    const field = fields.find((candidate) => candidate === head)
    if (field) fieldErrors[field] ??= describe(issue)
    else otherMessages.push(describe(issue))
  }
  return { fieldErrors, otherMessages }
}

/**
 * Inline validation with the same zod schema the API uses, so the browser says exactly what the
 * server would, without the round trip. A field is judged when it loses focus (if something was
 * typed) and on submit; once it shows an error, every keystroke re-checks it so the error goes
 * away as soon as the input is fixed — but errors never appear mid-word.
 */
export function useFieldErrors<Field extends string, Values extends Record<Field, unknown>>(
  schema: z.ZodType,
  fields: readonly Field[],
  toInput: (values: Values) => unknown = (values) => values,
) {
  const [errors, setErrors] = useState<FieldErrors<Field>>({})
  const describe = useValidationMessage()

  const validate = (values: Values): Partial<Record<Field, string>> => {
    const result = schema.safeParse(toInput(values))
    return result.success ? {} : fieldErrorsFrom(result.error.issues, fields, describe).fieldErrors
  }

  return {
    errors,
    setErrors,
    onBlur(field: Field, values: Values) {
      if (values[field] === "") return
      // Only adds: leaving a field changes nothing, so an error it shows (perhaps the server's
      // "email taken", with its link) stays until the input changes.
      const message = validate(values)[field]
      if (message) setErrors((current) => ({ ...current, [field]: message }))
    },
    onChange(field: Field, values: Values) {
      if (!errors[field]) return
      setErrors((current) => ({ ...current, [field]: validate(values)[field] }))
    },
    /** Checks every field; returns the first invalid one (to focus it), or undefined. */
    validateAll(values: Values): Field | undefined {
      const all = validate(values)
      setErrors(all)
      return fields.find((field) => all[field])
    },
  }
}
