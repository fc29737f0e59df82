import { createHmac, hash } from "node:crypto"

/**
 * A lean SigV4 query presigner for path-style S3 URLs (the embedded server, Ceph RGW, MinIO, any
 * S3_ENDPOINT with S3_FORCE_PATH_STYLE). The AWS SDK's getSignedUrl builds a client middleware
 * stack, resolves the endpoint through its rule engine and hashes the credentials for its
 * signing-key cache on every call: about 0.25 ms of CPU per URL, for a string this module builds
 * in a few microseconds. The output is the SDK's own, byte for byte, for the same inputs and time
 * (lib/storage/sigv4.test.ts compares them over generated inputs; the storage suites run both
 * servers on it). Anything it does not cover (virtual-hosted buckets, AWS's default endpoints,
 * session credentials, an endpoint with a path) stays with the SDK: see s3.ts `leanSigner`.
 */

export type SigV4Target = {
  /** `http:` or `https:` */
  protocol: string
  /** host[:port] exactly as the URL and the signed `host` header carry it. */
  host: string
  region: string
  accessKeyId: string
  secretAccessKey: string
}

export type SigV4Request = {
  method: "GET" | "PUT"
  bucket: string
  key: string
  /** Operation parameters (`x-id`, `partNumber`, `response-content-type`, …), unencoded. */
  query: Record<string, string>
  /** Headers the client must send, lower-case names, all signed (besides `host`). */
  headers: Record<string, string>
  expiresIn: number
  now: Date
}

const ALGORITHM = "AWS4-HMAC-SHA256"
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
const SERVICE = "s3"

// The fast paths below skip a regex replace when a test shows it would change nothing: this runs
// for every key minted, and most values (ids, dates, plain media types) need no rewriting.
const RESERVED_BY_SIGV4 = /[!'()*]/
const NOT_CANONICAL = /[\r\n\t]| {2}|^ | $/

/** RFC 3986 escaping, as SigV4 (and the SDK's escapeUri) wants it: encodeURIComponent plus !'()*. */
export const escapeUri = (value: string) => {
  const encoded = encodeURIComponent(value)
  return RESERVED_BY_SIGV4.test(encoded)
    ? encoded.replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    : encoded
}

/** A header value as SigV4 canonicalizes it: line breaks to spaces, runs of blanks to one, trimmed. */
const canonicalHeaderValue = (value: string) =>
  NOT_CANONICAL.test(value)
    ? value
        .replace(/[\r\n]/g, " ")
        .replace(/[ \t]+/g, " ")
        .replace(/^ | $/g, "")
    : value

// The signing key depends only on the secret, the day, the region and the service: derived once a
// day (four HMACs), not per URL. Keyed by all four so a rotated secret or another region never
// reuses a stale key; the map holds the few keys of the current day.
const signingKeys = new Map<string, Buffer>()

function signingKey(secretAccessKey: string, day: string, region: string): Buffer {
  const cacheKey = `${day}\n${region}\n${secretAccessKey}`
  const cached = signingKeys.get(cacheKey)
  if (cached) return cached
  let key: Buffer = Buffer.from(`AWS4${secretAccessKey}`, "utf8")
  for (const part of [day, region, SERVICE, "aws4_request"]) key = createHmac("sha256", key).update(part).digest()
  if (signingKeys.size >= 16) signingKeys.clear()
  signingKeys.set(cacheKey, key)
  return key
}

/** 20261129T100000Z (from 2026-11-29T10:00:00.000Z; years 0–9999, as S3 signs) */
const longDate = (now: Date) => {
  const iso = now.toISOString()
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`
}

/** The key's path below the bucket: each segment escaped, the slashes kept (S3 does not normalize paths). */
const objectPath = (bucket: string, key: string) => `/${escapeUri(bucket)}/${key.split("/").map(escapeUri).join("/")}`

/** A presigned URL: the request's query plus the X-Amz-* parameters, sorted, signature last in sort order. */
export function presignUrl(target: SigV4Target, request: SigV4Request): string {
  const date = longDate(request.now)
  const day = date.slice(0, 8)
  const scope = `${day}/${target.region}/${SERVICE}/aws4_request`
  const headers: Record<string, string> = { host: target.host }
  for (const [name, value] of Object.entries(request.headers)) headers[name] = canonicalHeaderValue(value)
  const headerNames = Object.keys(headers).sort()
  const signedHeaders = headerNames.join(";")
  const query: Record<string, string> = {
    ...request.query,
    "X-Amz-Algorithm": ALGORITHM,
    "X-Amz-Content-Sha256": UNSIGNED_PAYLOAD,
    "X-Amz-Credential": `${target.accessKeyId}/${scope}`,
    "X-Amz-Date": date,
    "X-Amz-Expires": String(request.expiresIn),
    "X-Amz-SignedHeaders": signedHeaders,
  }
  const encoded = Object.keys(query)
    .map((name) => [escapeUri(name), escapeUri(query[name] ?? "")] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const canonicalQuery = encoded.map(([name, value]) => `${name}=${value}`).join("&")
  const path = objectPath(request.bucket, request.key)
  const canonicalRequest = [
    request.method,
    path,
    canonicalQuery,
    `${headerNames.map((name) => `${name}:${headers[name]}`).join("\n")}\n`,
    signedHeaders,
    UNSIGNED_PAYLOAD,
  ].join("\n")
  const stringToSign = [ALGORITHM, date, scope, hash("sha256", canonicalRequest, "hex")].join("\n")
  const signature = createHmac("sha256", signingKey(target.secretAccessKey, day, target.region))
    .update(stringToSign)
    .digest("hex")
  // The URL lists the parameters sorted by name, the signature among them (as the SDK's formatUrl does).
  const withSignature = [...encoded, ["X-Amz-Signature", signature] as const].sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )
  return `${target.protocol}//${target.host}${path}?${withSignature.map(([name, value]) => `${name}=${value}`).join("&")}`
}
