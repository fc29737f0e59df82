"use client"

import { useTranslations } from "next-intl"
import { readValidationMessage } from "@/lib/shared/validations/messages"

/**
 * What a zod issue (from a parse in the browser) or an API issue (`{ path, message }`) holds; the
 * rest of a zod issue's fields are read when present.
 */
export type IssueLike = { message: string; code?: string; origin?: string; minimum?: unknown; maximum?: unknown }

/**
 * A field message in the reader's language (messages/*.json → validation.*). The schemas' own
 * messages are read back to their key (lib/shared/validations/messages.ts); zod's built-in ones
 * by their code; anything else reads as "not valid" rather than as English.
 */
export function useValidationMessage() {
  const t = useTranslations("validation")
  return (issue: IssueLike): string => {
    const known = readValidationMessage(issue.message)
    if (known) return t(known.key, known.params)
    const limit = Number(issue.code === "too_big" ? issue.maximum : issue.minimum)
    if (issue.origin === "string" && Number.isFinite(limit)) {
      if (issue.code === "too_big") return t("tooLong", { max: limit })
      if (issue.code === "too_small") return limit <= 1 ? t("required") : t("tooShort", { min: limit })
    }
    if (issue.origin === "number" && Number.isFinite(limit)) {
      if (issue.code === "too_big") return t("tooLarge", { max: limit })
      if (issue.code === "too_small") return t("tooSmall", { min: limit })
    }
    if (issue.code === "invalid_type") return t("required")
    return t("invalid")
  }
}
