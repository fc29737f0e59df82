import { randomBytes, randomUUID } from "node:crypto"
import { isIP } from "node:net"
import { recordMintedKeys } from "@/lib/audit"
import { getEnv } from "@/lib/env"
import { getLog } from "@/lib/log"
import {
  checkStorage,
  checksumModes,
  deleteObject,
  listObjects,
  presignProbe,
  storageBackend,
  type PresignedRequest,
  type ProbeKeys,
} from "@/lib/storage"
import type { BrowserProbe, StorageCheck, StorageCheckReport } from "@/lib/shared/storage-check"

/**
 * The storage self-test (admin console and `npm run doctor`): the mistakes that make uploads fail
 * in the browser with nothing in the server log — an endpoint browsers cannot reach, a CORS rule
 * without the app's origin or ETag, a clock SigV4 refuses, checksum settings AWS enforces, keys
 * signed for an internal host. Each check answers ok, or a fix (messages: storageCheck.fixes).
 *
 * Probe objects live under `self-test/`, are deleted when the probe ends, and any left behind (a
 * closed page, a crash) is removed by the next run once its keys are long dead.
 */
export const PROBE_PREFIX = "self-test/"
/** After its keys' expiry the server deletes a browser probe's object: storage's clock may run a little behind. */
const PROBE_DELETE_GRACE_SECONDS = 5
/** Well past any probe key's life (STORAGE_CHECK_PROBE_TTL_SECONDS is at most 5 minutes). */
const STALE_PROBE_MS = 10 * 60 * 1000
const FETCH_TIMEOUT_MS = 5_000
/** SigV4 refuses requests more than 15 minutes off storage's clock. */
const SIGV4_MAX_SKEW_SECONDS = 15 * 60
/** Beyond this the clock is worth fixing before it reaches a limit. */
const SKEW_WARN_SECONDS = 30

type Probe = { key: string; body: string; keys: ProbeKeys }
type ProbeResult = { response?: Response; error?: "unreachable" }

const settingNames = () =>
  storageBackend() === "azure"
    ? { endpointVar: "AZURE_BLOB_ENDPOINT", publicVar: "AZURE_BLOB_PUBLIC_ENDPOINT" }
    : { endpointVar: "S3_ENDPOINT", publicVar: "S3_PUBLIC_ENDPOINT" }

async function newProbe(via: "public" | "internal"): Promise<Probe> {
  const key = `${PROBE_PREFIX}${randomUUID()}`
  return {
    key,
    body: `valet self-test ${randomBytes(8).toString("hex")}`,
    keys: await presignProbe({ key, via, expiresIn: getEnv().STORAGE_CHECK_PROBE_TTL_SECONDS }),
  }
}

async function send(request: PresignedRequest, init: RequestInit & { origin?: string } = {}): Promise<ProbeResult> {
  const { origin, ...rest } = init
  try {
    const response = await fetch(request.url, {
      ...rest,
      headers: { ...request.headers, ...(origin ? { origin } : {}), ...(rest.headers as Record<string, string>) },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      redirect: "manual",
    })
    return { response }
  } catch {
    return { error: "unreachable" }
  }
}

const hostOf = (url: string) => new URL(url).host

/** A host only machines on the same network (or the same machine) can reach. */
export function isInternalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase()
  if (host === "localhost" || host.endsWith(".localhost") || host === "::1") return true
  if (isIP(host) === 4) {
    const [a = 0, b = 0] = host.split(".").map(Number)
    return (
      a === 127 ||
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      a === 0
    )
  }
  if (isIP(host) === 6) return /^(fc|fd|fe80)/.test(host)
  return !host.includes(".") || /\.(internal|local|lan|svc|cluster\.local|home\.arpa)$/.test(host)
}

/** Reachable from the server with presigned PUT, GET, DELETE; the Date storage answered with. */
async function checkServerProbe(
  origin: string,
): Promise<{ check: StorageCheck; putResponse?: Response; sentAt?: number; receivedAt?: number }> {
  const { endpointVar } = settingNames()
  try {
    await checkStorage()
  } catch {
    return { check: { id: "bucket", status: "fail", fix: "bucket_unreachable", values: { endpointVar } } }
  }
  const probe = await newProbe("internal")
  try {
    const sentAt = Date.now()
    const put = await send(probe.keys.put, { method: "PUT", body: probe.body, origin })
    const receivedAt = Date.now()
    if (!put.response?.ok) {
      return {
        check: {
          id: "bucket",
          status: "fail",
          fix: "probe_refused",
          values: { step: "PUT", status: put.response?.status ?? 0, endpointVar },
        },
      }
    }
    const get = await send(probe.keys.get)
    const text = get.response?.ok ? await get.response.text() : undefined
    if (text !== probe.body) {
      return {
        check: {
          id: "bucket",
          status: "fail",
          fix: "probe_refused",
          values: { step: "GET", status: get.response?.status ?? 0, endpointVar },
        },
      }
    }
    const removed = await send(probe.keys.delete, { method: "DELETE" })
    if (!removed.response?.ok) {
      return {
        check: {
          id: "bucket",
          status: "fail",
          fix: "probe_refused",
          values: { step: "DELETE", status: removed.response?.status ?? 0, endpointVar },
        },
      }
    }
    return { check: { id: "bucket", status: "ok" }, putResponse: put.response, sentAt, receivedAt }
  } finally {
    await deleteObject(probe.key).catch(() => undefined)
  }
}

/**
 * The bucket's CORS rule, as a browser on the app's origin meets it: the preflight of an upload's
 * PUT must allow the origin, and the PUT's answer must expose ETag (multipart completion reads it).
 */
async function checkCors(origin: string, put: Response): Promise<StorageCheck> {
  const probe = await newProbe("internal")
  try {
    const preflight = await send(
      { url: probe.keys.put.url, headers: {}, expiresAt: probe.keys.put.expiresAt },
      {
        method: "OPTIONS",
        origin,
        headers: {
          "access-control-request-method": "PUT",
          "access-control-request-headers": Object.keys(probe.keys.put.headers).sort().join(","),
        },
      },
    )
    const allowed = (response: Response | undefined) => {
      const value = response?.headers.get("access-control-allow-origin")
      return response?.ok === true && (value === "*" || value === origin)
    }
    if (!allowed(preflight.response) || !allowed(put))
      return { id: "cors", status: "fail", fix: "cors_origin", values: { origin } }
    const exposed = (put.headers.get("access-control-expose-headers") ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase())
    if (!exposed.includes("etag") && !exposed.includes("*"))
      return { id: "cors", status: "fail", fix: "cors_etag", values: { origin } }
    return { id: "cors", status: "ok", values: { origin } }
  } finally {
    await deleteObject(probe.key).catch(() => undefined)
  }
}

/**
 * Storage's clock from its Date header (one-second resolution), against the moment half-way
 * through the request. A server behind storage by more than a download key's life makes every
 * fresh key arrive already expired, well before SigV4's own 15 minutes.
 */
function checkClock(put: Response, sentAt: number, receivedAt: number): StorageCheck {
  const date = Date.parse(put.headers.get("date") ?? "")
  if (Number.isNaN(date)) return { id: "clock", status: "warn", fix: "clock_unknown" }
  const skew = Math.round((date - (sentAt + receivedAt) / 2) / 1000)
  const limit = Math.min(SIGV4_MAX_SKEW_SECONDS, getEnv().DOWNLOAD_URL_TTL_SECONDS)
  const values = { seconds: skew, limit: SIGV4_MAX_SKEW_SECONDS }
  if (Math.abs(skew) >= SIGV4_MAX_SKEW_SECONDS || skew > limit)
    return { id: "clock", status: "fail", fix: "clock_skew", values }
  if (Math.abs(skew) > SKEW_WARN_SECONDS) return { id: "clock", status: "warn", fix: "clock_skew", values }
  return { id: "clock", status: "ok", values }
}

/**
 * WHEN_REQUIRED on both sides: the client's setting, and what a minted upload key holds (a CRC32
 * of an empty body in the query makes AWS, R2 and MinIO refuse the real upload).
 */
async function checkChecksums(publicProbe: Probe): Promise<StorageCheck> {
  const modes = await checksumModes()
  if (!modes) return { id: "checksums", status: "ok" }
  const query = new URL(publicProbe.keys.put.url).searchParams
  const signsChecksum = [...query.keys()].some((name) => /^x-amz-(checksum-|sdk-checksum-algorithm)/i.test(name))
  if (modes.request !== "WHEN_REQUIRED" || modes.response !== "WHEN_REQUIRED" || signsChecksum) {
    return {
      id: "checksums",
      status: "fail",
      fix: "checksums",
      values: { request: modes.request, response: modes.response },
    }
  }
  return { id: "checksums", status: "ok", values: { request: modes.request, response: modes.response } }
}

/** The host keys are signed for is one the app's browsers can reach, over a scheme they allow. */
function checkPresignHost(publicProbe: Probe, appUrl: string): StorageCheck {
  const { publicVar } = settingNames()
  const signed = new URL(publicProbe.keys.put.url)
  const app = new URL(appUrl)
  const values = { host: signed.host, appOrigin: app.origin, publicVar }
  if (app.protocol === "https:" && signed.protocol === "http:") {
    return { id: "presign_host", status: "fail", fix: "presign_mixed_content", values }
  }
  if (isInternalHost(signed.hostname) && !isInternalHost(app.hostname)) {
    return { id: "presign_host", status: "fail", fix: "presign_internal_host", values }
  }
  return { id: "presign_host", status: "ok", values }
}

/**
 * The public endpoint, tried from the server with a full probe. Unreachable from here proves
 * little (a public address the server's network cannot hairpin to) unless it is loopback, which
 * this machine's browsers would use too. A refusal means it is not this bucket, or the signature's
 * host is not the one that answers.
 */
async function checkPublicEndpoint(probe: Probe): Promise<StorageCheck> {
  const { publicVar } = settingNames()
  const host = hostOf(probe.keys.put.url)
  const values = { host, publicVar }
  try {
    for (const [step, result] of [
      ["PUT", () => send(probe.keys.put, { method: "PUT", body: probe.body })],
      ["GET", () => send(probe.keys.get)],
      ["DELETE", () => send(probe.keys.delete, { method: "DELETE" })],
    ] as const) {
      const { response } = await result()
      if (!response) {
        const local = isLoopback(new URL(probe.keys.put.url).hostname)
        return {
          id: "public_endpoint",
          status: local ? "fail" : "warn",
          fix: local ? "public_unreachable" : "public_unreachable_here",
          values,
        }
      }
      if (!response.ok)
        return {
          id: "public_endpoint",
          status: "fail",
          fix: "public_refused",
          values: { ...values, step, status: response.status },
        }
      if (step === "GET" && (await response.text()) !== probe.body) {
        return {
          id: "public_endpoint",
          status: "fail",
          fix: "public_refused",
          values: { ...values, step, status: response.status },
        }
      }
    }
    return { id: "public_endpoint", status: "ok", values }
  } finally {
    await deleteObject(probe.key).catch(() => undefined)
  }
}

const isLoopback = (hostname: string) => /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1)$/i.test(hostname)

/** Probe objects older than their keys' life by far: a page closed mid-probe, a crash. */
async function sweepStaleProbes(): Promise<void> {
  try {
    for await (const page of listObjects(PROBE_PREFIX)) {
      for (const object of page) {
        if (object.lastModified && Date.now() - object.lastModified.getTime() > STALE_PROBE_MS)
          await deleteObject(object.key)
      }
    }
  } catch (error) {
    getLog().warn(`[storage-check] could not sweep old probe objects: ${error instanceof Error ? error.name : "error"}`)
  }
}

/**
 * Runs every server-side check. With `browserProbeFor` (the admin asking), also mints keys for
 * the page's own probe on the public endpoint, audited like any key handed out, and deleted by
 * the server once they are dead whatever the page does.
 */
export async function runStorageSelfTest(
  options: { browserProbeFor?: { id: string; via: "session" | "token" } } = {},
): Promise<StorageCheckReport> {
  const appUrl = getEnv().APP_URL
  const origin = new URL(appUrl).origin
  const server = await checkServerProbe(origin)
  const checks: StorageCheck[] = [server.check]
  const publicProbe = await newProbe("public")
  if (server.putResponse && server.sentAt && server.receivedAt) {
    checks.push(await checkPublicEndpoint(publicProbe))
    checks.push(await checkCors(origin, server.putResponse))
    checks.push(checkClock(server.putResponse, server.sentAt, server.receivedAt))
  } else {
    for (const id of ["public_endpoint", "cors", "clock"] as const) {
      checks.push({ id, status: "skipped", fix: "needs_bucket" })
    }
  }
  checks.push(await checkChecksums(publicProbe))
  checks.push(checkPresignHost(publicProbe, appUrl))
  await sweepStaleProbes()
  const admin = options.browserProbeFor
  if (!admin) return { checks }

  const browser = await newProbe("public")
  const deleteAfterSeconds = getEnv().STORAGE_CHECK_PROBE_TTL_SECONDS + PROBE_DELETE_GRACE_SECONDS
  setTimeout(() => void deleteObject(browser.key).catch(() => undefined), deleteAfterSeconds * 1000).unref()
  await recordMintedKeys(
    admin,
    (["PUT", "GET", "DELETE"] as const).map((method) => ({
      action: "admin.storage_check",
      method,
      objectKey: browser.key,
      expiresAt: browser.keys.put.expiresAt,
    })),
  )
  const probe: BrowserProbe = {
    body: browser.body,
    put: { url: browser.keys.put.url, headers: browser.keys.put.headers },
    get: { url: browser.keys.get.url, headers: browser.keys.get.headers },
    delete: { url: browser.keys.delete.url, headers: browser.keys.delete.headers },
  }
  return { checks, probe }
}

/** Whether a report holds a failure (`npm run doctor` exits 1 then). */
export const hasFailure = (report: StorageCheckReport) => report.checks.some((check) => check.status === "fail")
