import { createHmac } from "node:crypto"
import { lookup as dnsLookup } from "node:dns/promises"
import http from "node:http"
import https from "node:https"
import { isIP, type LookupFunction } from "node:net"
import { isForbiddenAddress } from "@/lib/webhooks/ssrf"

/** At most this much of a receiver's answer is read; the rest is cut off (only the status matters). */
export const MAX_RESPONSE_BYTES = 64 * 1024

export type SendResult = { statusCode: number | null; latencyMs: number; error: string | null; bodyBytes: number }

/** `sha256=<hex HMAC-SHA256 of "${timestamp}.${body}">`, the X-Valet-Signature value. */
export function signWebhookBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`
}

/** A host WEBHOOK_ALLOWED_HOSTS lets through although it is internal (compared without brackets). */
const isAllowedHost = (hostname: string, allowedHosts: readonly string[]) =>
  allowedHosts.includes(hostname.toLowerCase().replace(/^\[|\]$/g, ""))

/**
 * Why a URL can never be a webhook, judged without DNS (at creation): not http(s), credentials in it,
 * or an internal literal address. A name is judged at each delivery, on what it resolves to then.
 */
export function webhookUrlProblem(raw: string, allowedHosts: readonly string[]): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return "is not a URL"
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http:// or https:// URL"
  if (url.username || url.password) return "must not carry credentials"
  const host = url.hostname.replace(/^\[|\]$/g, "")
  if (isAllowedHost(host, allowedHosts)) return null
  if (isIP(host) && isForbiddenAddress(host)) return "names a loopback, private or link-local address"
  if (host === "localhost" || host.endsWith(".localhost")) return "names this machine"
  return null
}

/**
 * Resolves the host now and returns the one address to connect to, refusing when any address the
 * name has is internal (a name mixing public and private answers is a rebinding setup).
 */
async function vetAddress(
  hostname: string,
  allowedHosts: readonly string[],
): Promise<{ address: string; family: number }> {
  const host = hostname.replace(/^\[|\]$/g, "")
  const answers = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await dnsLookup(host, { all: true, verbatim: true })
  const first = answers[0]
  if (!first) throw new Error(`${host} does not resolve`)
  if (!isAllowedHost(host, allowedHosts)) {
    const bad = answers.find((answer) => isForbiddenAddress(answer.address))
    if (bad) throw new Error(`refused: ${host} resolves to internal address ${bad.address}`)
  }
  return first
}

/**
 * POSTs one signed delivery. The socket connects to the vetted address (a custom `lookup` hands it
 * to node:http), so a name that re-resolves between check and connect cannot reach anything else.
 * Redirects are not followed (a 3xx is a failure); the whole attempt is bounded by `timeoutMs`
 * and at most MAX_RESPONSE_BYTES of the answer are read.
 */
export async function sendWebhook(input: {
  url: string
  body: string
  headers: Record<string, string>
  timeoutMs: number
  allowedHosts: readonly string[]
}): Promise<SendResult> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  const deadline = AbortSignal.timeout(input.timeoutMs)
  try {
    const url = new URL(input.url)
    const problem = webhookUrlProblem(input.url, input.allowedHosts)
    if (problem) throw new Error(`refused: the URL ${problem}`)
    const vetted = await Promise.race([
      vetAddress(url.hostname, input.allowedHosts),
      new Promise<never>((_, reject) =>
        deadline.addEventListener("abort", () => reject(new Error("timed out resolving"))),
      ),
    ])
    const pinned: LookupFunction = (_hostname, options, callback) => {
      // Node asks for every address when it may race IPv4 and IPv6 (autoSelectFamily).
      if (options.all) callback(null, [{ address: vetted.address, family: vetted.family }])
      else callback(null, vetted.address, vetted.family)
    }
    const client = url.protocol === "https:" ? https : http
    const { statusCode, bodyBytes } = await new Promise<{ statusCode: number; bodyBytes: number }>(
      (resolve, reject) => {
        const request = client.request(
          url,
          {
            method: "POST",
            lookup: pinned,
            signal: deadline,
            agent: false,
            headers: {
              ...input.headers,
              "content-type": "application/json",
              "content-length": Buffer.byteLength(input.body),
            },
          },
          (response) => {
            let bodyBytes = 0
            response.on("data", (chunk: Buffer) => {
              bodyBytes += chunk.length
              // Enough read: the status is all that counts; stop a receiver that streams forever.
              if (bodyBytes >= MAX_RESPONSE_BYTES) {
                response.destroy()
                resolve({ statusCode: response.statusCode ?? 0, bodyBytes: MAX_RESPONSE_BYTES })
              }
            })
            response.on("end", () => resolve({ statusCode: response.statusCode ?? 0, bodyBytes }))
            response.on("error", reject)
          },
        )
        request.on("error", reject)
        request.end(input.body)
      },
    )
    const ok = statusCode >= 200 && statusCode < 300
    return { statusCode, latencyMs: elapsed(), bodyBytes, error: ok ? null : `receiver answered ${statusCode}` }
  } catch (error) {
    const message = deadline.aborted
      ? `timed out after ${input.timeoutMs} ms`
      : error instanceof Error
        ? error.message
        : String(error)
    return { statusCode: null, latencyMs: elapsed(), bodyBytes: 0, error: message.slice(0, 500) }
  }
}
