"use client"

import { useTranslations } from "next-intl"
import { useValidationMessage } from "@/components/use-validation-message"
import type { ApiFailure } from "@/lib/shared/api-client"
import { ERROR_CODES, type ErrorCode } from "@/lib/shared/error-codes"

const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CODES, code)

/** Codes whose server message carries the detail a person needs (which field, which request id). */
const KEEP_SERVER_DETAIL: ReadonlySet<ErrorCode> = new Set(["invalid_request", "internal_error"])

/**
 * A failure as a sentence in the reader's language: each ErrorCode has a message key
 * (messages/*.json → errors.*); an answer that is not Valet's reads as "unexpected". A failure
 * that never reached the server (sendJson's `network_error`) reads as "network".
 */
export function useApiErrorMessage() {
  const t = useTranslations("errors")
  const describe = useValidationMessage()
  return (failure: ApiFailure | "network"): string => {
    if (failure === "network" || (failure.status === 0 && failure.code === "network_error")) return t("network")
    const retry = failure.retryAfterSeconds
    if (!isErrorCode(failure.code)) return t("unexpected", { status: failure.status })
    const message = t(failure.code, { minutes: retry ? Math.ceil(retry / 60) : 0 })
    const detail = failure.issues[0] ? `${failure.issues[0].path}: ${describe(failure.issues[0])}` : failure.message
    return KEEP_SERVER_DETAIL.has(failure.code) ? `${message} (${detail})` : message
  }
}

/** "Try again in 40 seconds." in the reader's language, from a Retry-After. */
export function useRetryHint() {
  const t = useTranslations("errors.retry")
  return (seconds: number | undefined): string => {
    if (!seconds) return t("later")
    if (seconds < 90) return t("seconds", { count: seconds })
    return t("minutes", { count: Math.ceil(seconds / 60) })
  }
}
