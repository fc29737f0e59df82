/**
 * The storage self-test's wire format (POST /api/admin/storage-check, `npm run doctor`) and the
 * probe the admin page runs in the browser. Browser-safe: no server module is imported here.
 */
import { z } from "zod"

/** The checks, in the order they are shown. `browser` runs in the admin page only. */
export const STORAGE_CHECK_IDS = [
  "bucket",
  "public_endpoint",
  "browser",
  "cors",
  "clock",
  "checksums",
  "presign_host",
] as const
export type StorageCheckId = (typeof STORAGE_CHECK_IDS)[number]

/** `warn` does not fail `npm run doctor`: the server cannot tell, the browser check decides. */
export const STORAGE_CHECK_STATUSES = ["ok", "warn", "fail", "skipped"] as const
export type StorageCheckStatus = (typeof STORAGE_CHECK_STATUSES)[number]

/** Why a check did not pass; each has a one-line fix in messages/*.json (`storageCheck.fixes.<fix>`). */
export const STORAGE_CHECK_FIXES = [
  "bucket_unreachable",
  "probe_refused",
  "public_unreachable",
  "public_unreachable_here",
  "public_refused",
  "cors_origin",
  "cors_etag",
  "clock_skew",
  "clock_unknown",
  "checksums",
  "presign_internal_host",
  "presign_mixed_content",
  "browser_blocked",
  "browser_refused",
  "browser_mismatch",
  "needs_bucket",
] as const
export type StorageCheckFix = (typeof STORAGE_CHECK_FIXES)[number]

export const storageCheckSchema = z.strictObject({
  id: z.enum(STORAGE_CHECK_IDS),
  status: z.enum(STORAGE_CHECK_STATUSES),
  fix: z.enum(STORAGE_CHECK_FIXES).optional(),
  /** Values the fix's message names: a host, an origin, a setting, a status, seconds. Never a key. */
  values: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
})
export type StorageCheck = z.infer<typeof storageCheckSchema>

const probeRequestSchema = z.strictObject({ url: z.string(), headers: z.record(z.string(), z.string()) })
export type ProbeRequest = z.infer<typeof probeRequestSchema>

/** Keys for the page's own probe object: it PUTs, GETs and DELETEs it from the browser. */
export const browserProbeSchema = z.strictObject({
  body: z.string(),
  put: probeRequestSchema,
  get: probeRequestSchema,
  delete: probeRequestSchema,
})
export type BrowserProbe = z.infer<typeof browserProbeSchema>

export const storageCheckReportSchema = z.strictObject({
  checks: z.array(storageCheckSchema),
  probe: browserProbeSchema.optional(),
})
export type StorageCheckReport = z.infer<typeof storageCheckReportSchema>

/**
 * The browser check: PUT, GET and DELETE of the probe object straight from this page, as an
 * upload and a download do. A network or CORS failure is a TypeError without detail (the browser
 * hides why on purpose); a status means storage answered and refused.
 */
export async function runBrowserProbe(probe: BrowserProbe, fetcher: typeof fetch = fetch): Promise<StorageCheck> {
  const host = new URL(probe.put.url).host
  const steps = [
    {
      step: "PUT",
      request: () => fetcher(probe.put.url, { method: "PUT", headers: probe.put.headers, body: probe.body }),
    },
    { step: "GET", request: () => fetcher(probe.get.url, { headers: probe.get.headers, cache: "no-store" }) },
    { step: "DELETE", request: () => fetcher(probe.delete.url, { method: "DELETE", headers: probe.delete.headers }) },
  ]
  for (const { step, request } of steps) {
    let response: Response
    try {
      response = await request()
    } catch {
      return { id: "browser", status: "fail", fix: "browser_blocked", values: { step, host } }
    }
    if (!response.ok)
      return { id: "browser", status: "fail", fix: "browser_refused", values: { step, host, status: response.status } }
    if (step === "GET" && (await response.text()) !== probe.body) {
      return { id: "browser", status: "fail", fix: "browser_mismatch", values: { host } }
    }
  }
  return { id: "browser", status: "ok", values: { host } }
}
