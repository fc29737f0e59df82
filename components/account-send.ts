import { NETWORK_ERROR_MESSAGE, readApiFailure, type ApiFailure } from "@/lib/shared/api-client"

export type SendResult = { ok: true; response: Response } | { ok: false; failure: ApiFailure }

/** One JSON call to a Valet route from an account form; every failure comes back as an ApiFailure. */
export async function sendJson(method: "POST" | "PATCH" | "DELETE", url: string, body?: unknown): Promise<SendResult> {
  try {
    const response = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return response.ok ? { ok: true, response } : { ok: false, failure: await readApiFailure(response) }
  } catch {
    return { ok: false, failure: { status: 0, code: "network_error", message: NETWORK_ERROR_MESSAGE, issues: [] } }
  }
}
