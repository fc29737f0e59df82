"use client"

import { useRouter } from "next/navigation"
import { useState, useTransition } from "react"
import { useApiErrorMessage } from "@/components/use-api-error-message"
import { readApiFailure } from "@/lib/shared/api-client"

/**
 * One admin API call at a time from a client component: pending state, the API's message on
 * failure, and a refresh of the server-rendered page on success so every number is re-read.
 */
export function useApiAction() {
  const router = useRouter()
  const [, startTransition] = useTransition()
  const errorMessage = useApiErrorMessage()
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string>()

  async function run(url: string, init: { method: string; body?: unknown }): Promise<boolean> {
    setPending(true)
    setError(undefined)
    try {
      const response = await fetch(url, {
        method: init.method,
        ...(init.body === undefined
          ? {}
          : { headers: { "content-type": "application/json" }, body: JSON.stringify(init.body) }),
      })
      if (!response.ok) {
        setError(errorMessage(await readApiFailure(response)))
        return false
      }
      startTransition(() => router.refresh())
      return true
    } catch {
      setError(errorMessage("network"))
      return false
    } finally {
      setPending(false)
    }
  }

  return { run, pending, error, clearError: () => setError(undefined) }
}
