import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3"
import { Upload } from "@aws-sdk/lib-storage"
import { getSignedUrl } from "@aws-sdk/s3-request-presigner"
import { getEnv, type ServerEnv } from "@/lib/env"
import { ApiError } from "@/lib/errors"
import { getLog } from "@/lib/log"
import {
  attachmentDisposition,
  capTtl,
  inlineDisposition,
  type CompletedPart,
  type ListedObject,
  type ChecksumModes,
  type PresignedRequest,
  type ProbeKeys,
  type StoredObject,
  type StoredPart,
} from "@/lib/storage/common"
import { downloadContentType } from "@/lib/shared/download-types"
import { presignUrl, type SigV4Request, type SigV4Target } from "@/lib/storage/sigv4"

/** How long connecting to storage may take: a LAN or cloud endpoint connects in milliseconds. */
const S3_CONNECT_TIMEOUT_MS = 3_000
/** How long a storage socket may stay silent mid-request before the attempt is given up. */
const S3_IDLE_TIMEOUT_MS = 15_000

function buildClient(env: ServerEnv, endpoint: string | undefined) {
  return new S3Client({
    endpoint,
    region: env.S3_REGION,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    credentials:
      env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
        : undefined,
    // By default the SDK presigns PUT/UploadPart with a CRC32 of an *empty* body, which AWS, R2
    // and MinIO then enforce against the real upload; checksums only when the operation needs one.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 2,
    // The SDK waits forever by default: an unreachable host would hold a request for the OS's TCP
    // timeout (minutes) and a hung server until the socket dies. Bounded here, such storage answers
    // 503 storage_unavailable within seconds (unreachable) or about half a minute (hung, two
    // attempts). The idle limit is generous because RGW and MinIO stay silent while assembling a
    // big multipart upload (AWS sends whitespace); should it still cut one off, the upload is
    // assembled anyway and completing again finds the object.
    requestHandler: { connectionTimeout: S3_CONNECT_TIMEOUT_MS, socketTimeout: S3_IDLE_TIMEOUT_MS },
  })
}

let storageClient: S3Client | undefined
let presigningClient: S3Client | undefined

/** The client the server talks to storage with. */
function s3(): S3Client {
  storageClient ??= buildClient(getEnv(), getEnv().S3_ENDPOINT)
  return storageClient
}

/** The client presigned URLs are minted with: its endpoint's host is signed into every URL. */
function presignClient(): S3Client {
  const env = getEnv()
  if (!env.S3_PUBLIC_ENDPOINT || env.S3_PUBLIC_ENDPOINT === env.S3_ENDPOINT) return s3()
  presigningClient ??= buildClient(env, env.S3_PUBLIC_ENDPOINT)
  return presigningClient
}

const bucket = () => getEnv().S3_BUCKET

function httpStatusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined
}

/**
 * Storage failures become a 503 the client can retry. Only the operation and the error's name are
 * logged: the SDK's error objects can carry request URLs.
 */
function storageUnavailable(operation: string, error: unknown): ApiError {
  const name = error instanceof Error ? error.name : "UnknownError"
  const status = httpStatusOf(error)
  getLog().error(`[storage] ${operation} failed: ${name}${status ? ` (HTTP ${status})` : ""}`)
  return new ApiError("storage_unavailable", "Storage is unavailable, try again shortly")
}

async function send<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw storageUnavailable(operation, error)
  }
}

function expiresAtAfter(seconds: number, now = Date.now()) {
  return new Date(now + seconds * 1000)
}

let leanTarget: SigV4Target | null | undefined

/**
 * Where lib/storage/sigv4.ts can presign instead of the SDK (the same URL, bytes for bytes, at a
 * hundredth of the CPU): path-style URLs on an explicit endpoint without a path, with static
 * credentials. Anything else (AWS's virtual-hosted buckets and default endpoints, credentials from
 * the SDK's provider chain) keeps the SDK's getSignedUrl.
 */
function leanSigner(): SigV4Target | null {
  if (leanTarget !== undefined) return leanTarget
  const env = getEnv()
  const endpoint = env.S3_PUBLIC_ENDPOINT ?? env.S3_ENDPOINT
  const url = endpoint ? new URL(endpoint) : undefined
  leanTarget =
    url &&
    env.S3_FORCE_PATH_STYLE &&
    url.pathname === "/" &&
    !url.search &&
    env.S3_ACCESS_KEY_ID &&
    env.S3_SECRET_ACCESS_KEY
      ? {
          protocol: url.protocol,
          host: url.host,
          region: env.S3_REGION,
          accessKeyId: env.S3_ACCESS_KEY_ID,
          secretAccessKey: env.S3_SECRET_ACCESS_KEY,
        }
      : null
  return leanTarget
}

/** A presigned URL from the lean signer when it covers this storage, else from the SDK. */
async function signUrl(
  lean: Omit<SigV4Request, "now" | "bucket">,
  sdk: () => Promise<string>,
  now: number,
): Promise<string> {
  const target = leanSigner()
  return target ? presignUrl(target, { ...lean, bucket: bucket(), now: new Date(now) }) : sdk()
}

/**
 * A single-request upload URL. Content-Type and Content-Length are signed, so storage itself
 * refuses a body of another size or type; a SHA-256 (base64), when given, is signed too and must
 * be sent as the `x-amz-checksum-sha256` header.
 *
 * `If-None-Match: *` is signed in too (DESIGN §3.12): the URL can create the object once and never
 * replace it, so the bytes completion verified are the bytes every later download gets. Chosen
 * over copying to a never-signed key on completion (a server-side copy of every upload, up to 5 GiB
 * per CopyObject) and over comparing ETags before each download (a HeadObject per download, and
 * still a race between the check and the GET): a conditional write costs no request at all. AWS,
 * MinIO, R2 and Ceph RGW 16 enforce it (tests/integration/uploads.test.ts checks each server the
 * tests run); the embedded s3rver does through patches/@20minutes+s3rver+4.0.4.patch.
 */
export async function presignPut(input: {
  key: string
  contentType: string
  size: number
  sha256?: string
  expiresIn?: number
}): Promise<PresignedRequest> {
  const expiresIn = capTtl(input.expiresIn ?? getEnv().UPLOAD_URL_TTL_SECONDS)
  const now = Date.now()
  const headers: Record<string, string> = { "content-type": input.contentType, "if-none-match": "*" }
  if (input.sha256) headers["x-amz-checksum-sha256"] = input.sha256
  const url = await signUrl(
    {
      method: "PUT",
      key: input.key,
      query: { "x-id": "PutObject" },
      headers: { ...headers, "content-length": String(input.size) },
      expiresIn,
    },
    () =>
      getSignedUrl(
        presignClient(),
        new PutObjectCommand({
          Bucket: bucket(),
          Key: input.key,
          ContentType: input.contentType,
          ContentLength: input.size,
          ChecksumSHA256: input.sha256,
          IfNoneMatch: "*",
        }),
        {
          expiresIn,
          signingDate: new Date(now),
          signableHeaders: new Set(["content-type", "content-length", "if-none-match"]),
          // Kept as a header (not hoisted into the query) so the browser must send it and storage can
          // check the body against it.
          unhoistableHeaders: new Set(["x-amz-checksum-sha256"]),
        },
      ),
    now,
  )
  return { url, headers, expiresAt: expiresAtAfter(expiresIn, now) }
}

/**
 * A URL for one part number of one multipart upload. With `size`, the part's Content-Length is
 * signed too, so storage refuses a part of any other size.
 */
export async function presignPart(input: {
  key: string
  uploadId: string
  partNumber: number
  size?: number
  expiresIn?: number
}): Promise<PresignedRequest> {
  const expiresIn = capTtl(input.expiresIn ?? getEnv().PART_URL_TTL_SECONDS)
  const now = Date.now()
  const url = await signUrl(
    {
      method: "PUT",
      key: input.key,
      query: { partNumber: String(input.partNumber), uploadId: input.uploadId, "x-id": "UploadPart" },
      headers: input.size === undefined ? {} : { "content-length": String(input.size) },
      expiresIn,
    },
    () =>
      getSignedUrl(
        presignClient(),
        new UploadPartCommand({
          Bucket: bucket(),
          Key: input.key,
          UploadId: input.uploadId,
          PartNumber: input.partNumber,
          ContentLength: input.size,
        }),
        {
          expiresIn,
          signingDate: new Date(now),
          ...(input.size === undefined ? {} : { signableHeaders: new Set(["content-length"]) }),
        },
      ),
    now,
  )
  return { url, headers: {}, expiresAt: expiresAtAfter(expiresIn, now) }
}

/** A GET of one object with the disposition and type storage must answer it with. */
async function presignGetObject(
  key: string,
  disposition: string,
  contentType: string,
  expiresIn: number,
): Promise<PresignedRequest> {
  const now = Date.now()
  const url = await signUrl(
    {
      method: "GET",
      key,
      query: { "response-content-disposition": disposition, "response-content-type": contentType, "x-id": "GetObject" },
      headers: {},
      expiresIn,
    },
    () =>
      getSignedUrl(
        presignClient(),
        new GetObjectCommand({
          Bucket: bucket(),
          Key: key,
          ResponseContentDisposition: disposition,
          ResponseContentType: contentType,
        }),
        { expiresIn, signingDate: new Date(now) },
      ),
    now,
  )
  return { url, headers: {}, expiresAt: expiresAtAfter(expiresIn, now) }
}

/**
 * A download URL that makes the browser save the object under its display name, served with the
 * recorded type only when that type cannot run (DESIGN §3.13), else as application/octet-stream.
 */
export async function presignGet(input: {
  key: string
  filename: string
  contentType?: string
  expiresIn?: number
}): Promise<PresignedRequest> {
  const expiresIn = capTtl(input.expiresIn ?? getEnv().DOWNLOAD_URL_TTL_SECONDS)
  return presignGetObject(
    input.key,
    attachmentDisposition(input.filename),
    downloadContentType(input.contentType ?? "application/octet-stream"),
    expiresIn,
  )
}

/**
 * An inline URL for a share page's preview: the Content-Type is pinned to the one given (the
 * caller allows only types that cannot run script) and the disposition is `inline`, so an image,
 * a player or a PDF viewer shows it. Range requests work on it like on any GET.
 */
export async function presignPreview(input: {
  key: string
  filename: string
  contentType: string
  expiresIn?: number
}): Promise<PresignedRequest> {
  const expiresIn = capTtl(input.expiresIn ?? getEnv().PREVIEW_URL_TTL_SECONDS)
  return presignGetObject(input.key, inlineDisposition(input.filename), input.contentType, expiresIn)
}

/** What storage really holds under a key, or null when nothing is there. */
export async function headObject(key: string): Promise<StoredObject | null> {
  try {
    const head = await s3().send(new HeadObjectCommand({ Bucket: bucket(), Key: key }))
    return { size: head.ContentLength ?? 0, contentType: head.ContentType, etag: head.ETag }
  } catch (error) {
    if (httpStatusOf(error) === 404) return null
    throw storageUnavailable("HeadObject", error)
  }
}

export async function deleteObject(key: string): Promise<void> {
  await send("DeleteObject", () => s3().send(new DeleteObjectCommand({ Bucket: bucket(), Key: key })))
}

export async function createMultipartUpload(input: { key: string; contentType: string }): Promise<string> {
  const created = await send("CreateMultipartUpload", () =>
    s3().send(new CreateMultipartUploadCommand({ Bucket: bucket(), Key: input.key, ContentType: input.contentType })),
  )
  if (!created.UploadId) throw storageUnavailable("CreateMultipartUpload", new Error("no UploadId in response"))
  return created.UploadId
}

/**
 * Assembles a multipart upload. Answers false when storage refuses the part list (an ETag that is
 * not its part's, a part too small, an upload it no longer knows): a client error, not an outage.
 */
export async function completeMultipartUpload(input: {
  key: string
  uploadId: string
  parts: CompletedPart[]
}): Promise<boolean> {
  try {
    await s3().send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket(),
        Key: input.key,
        UploadId: input.uploadId,
        MultipartUpload: { Parts: input.parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
      }),
    )
    return true
  } catch (error) {
    const status = httpStatusOf(error)
    if (status === 400 || status === 404) return false
    throw storageUnavailable("CompleteMultipartUpload", error)
  }
}

/** Storage answered that it does not implement an operation (some S3-compatible servers lack ListParts or Abort). */
const isNotImplemented = (error: unknown) => [405, 501].includes(httpStatusOf(error) ?? 0)

/**
 * Cancels a multipart upload and frees its parts. Answers false when there was nothing to abort
 * (already completed or aborted) or storage cannot abort at all.
 */
export async function abortMultipartUpload(input: { key: string; uploadId: string }): Promise<boolean> {
  try {
    await s3().send(new AbortMultipartUploadCommand({ Bucket: bucket(), Key: input.key, UploadId: input.uploadId }))
    return true
  } catch (error) {
    if (httpStatusOf(error) === 404 || isNotImplemented(error)) return false
    throw storageUnavailable("AbortMultipartUpload", error)
  }
}

/**
 * The parts storage holds for an open multipart upload, or null when storage does not implement
 * ListParts or no longer knows the upload.
 */
export async function listParts(input: { key: string; uploadId: string }): Promise<StoredPart[] | null> {
  const parts: StoredPart[] = []
  let marker: string | undefined
  do {
    let page
    try {
      page = await s3().send(
        new ListPartsCommand({ Bucket: bucket(), Key: input.key, UploadId: input.uploadId, PartNumberMarker: marker }),
      )
    } catch (error) {
      if (httpStatusOf(error) === 404 || isNotImplemented(error)) return null
      throw storageUnavailable("ListParts", error)
    }
    for (const part of page.Parts ?? []) {
      if (part.PartNumber && part.ETag)
        parts.push({ partNumber: part.PartNumber, etag: part.ETag, size: part.Size ?? 0 })
    }
    marker = page.IsTruncated ? page.NextPartNumberMarker : undefined
  } while (marker)
  return parts
}

/**
 * Every object under a prefix, a page (up to 1,000) at a time. For operator tools that compare
 * the bucket with the database (reconcile) and for tests that check nothing was left behind.
 */
export async function* listObjects(prefix = "", options: { pageSize?: number } = {}): AsyncGenerator<ListedObject[]> {
  let continuationToken: string | undefined
  do {
    const page = await send("ListObjectsV2", () =>
      s3().send(
        new ListObjectsV2Command({
          Bucket: bucket(),
          Prefix: prefix || undefined,
          MaxKeys: options.pageSize,
          ContinuationToken: continuationToken,
        }),
      ),
    )
    yield (page.Contents ?? []).flatMap((object) =>
      object.Key
        ? [{ key: object.Key, size: object.Size ?? 0, etag: object.ETag, lastModified: object.LastModified }]
        : [],
    )
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (continuationToken)
}

/** An object's bytes as a web stream, or null when nothing is stored under the key. */
export async function readObject(key: string): Promise<ReadableStream<Uint8Array> | null> {
  try {
    const object = await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: key }))
    return object.Body ? object.Body.transformToWebStream() : null
  } catch (error) {
    if (httpStatusOf(error) === 404) return null
    throw storageUnavailable("GetObject", error)
  }
}

/**
 * Streams a body of unknown length into storage through this server: one PutObject when it fits
 * in one part, else a multipart upload whose parts are cut as the bytes arrive, so at most
 * `partSize` × `queueSize` bytes are held in memory whatever the object's size. Only the
 * benchmark's proxy baseline (bench/proxy/proxy.ts) uses it: carrying the bytes through the app is
 * exactly what valet keys exist to avoid.
 */
export async function putObjectStream(input: {
  key: string
  contentType: string
  body: ReadableStream<Uint8Array>
  partSize?: number
  queueSize?: number
}): Promise<void> {
  const upload = new Upload({
    client: s3(),
    params: { Bucket: bucket(), Key: input.key, ContentType: input.contentType, Body: input.body },
    partSize: input.partSize ?? getEnv().MULTIPART_PART_SIZE_BYTES,
    queueSize: input.queueSize ?? 4,
  })
  await send("PutObjectStream", () => upload.done())
}

/** Storage is reachable and the bucket exists with our credentials. */
export async function checkStorage(): Promise<void> {
  await send("HeadBucket", () => s3().send(new HeadBucketCommand({ Bucket: bucket() })))
}

/**
 * Creates the bucket if needed and sets the CORS rule browsers need to talk to storage directly:
 * only the app's origin, the methods valet keys use, and `ETag`, `Content-Range` and
 * `Content-Length` exposed (multipart completion needs each part's ETag; previews read ranges). Used at boot for embedded/test storage and by operators once.
 */
export async function ensureBucket(input: { corsOrigins: string[] }): Promise<void> {
  try {
    await s3().send(new HeadBucketCommand({ Bucket: bucket() }))
  } catch (error) {
    const status = httpStatusOf(error)
    if (status !== 404) throw storageUnavailable("HeadBucket", error)
    await send("CreateBucket", () => s3().send(new CreateBucketCommand({ Bucket: bucket() })))
  }
  await send("PutBucketCors", () =>
    s3().send(
      new PutBucketCorsCommand({
        Bucket: bucket(),
        CORSConfiguration: {
          CORSRules: [
            {
              AllowedOrigins: input.corsOrigins,
              AllowedMethods: ["GET", "PUT", "POST", "HEAD", "DELETE"],
              AllowedHeaders: ["*"],
              // ETag for multipart completion; Content-Range and Content-Length so a share page's
              // player, text preview and browser-side zip can read ranged and whole GETs.
              ExposeHeaders: ["ETag", "Content-Range", "Content-Length"],
              MaxAgeSeconds: 3600,
            },
          ],
        },
      }),
    ),
  )
}

/** S3 keeps one version per key and its signed headers leave the client no choice to pin down: nothing to do. */
export async function sealObject(): Promise<string | null> {
  return null
}

/**
 * The self-test's probe keys: a create-once PUT (Content-Type and If-None-Match signed, as an
 * upload's), a GET and a DELETE. `internal` signs for S3_ENDPOINT, the address the server uses.
 */
export async function presignProbe(input: {
  key: string
  via: "public" | "internal"
  expiresIn: number
}): Promise<ProbeKeys> {
  const client = input.via === "public" ? presignClient() : s3()
  const expiresIn = capTtl(input.expiresIn)
  const expiresAt = expiresAtAfter(expiresIn)
  const target = { Bucket: bucket(), Key: input.key }
  const headers = { "content-type": "text/plain", "if-none-match": "*" }
  const [put, get, remove] = await Promise.all([
    getSignedUrl(client, new PutObjectCommand({ ...target, ContentType: headers["content-type"], IfNoneMatch: "*" }), {
      expiresIn,
      signableHeaders: new Set(["content-type", "if-none-match"]),
    }),
    getSignedUrl(client, new GetObjectCommand(target), { expiresIn }),
    getSignedUrl(client, new DeleteObjectCommand(target), { expiresIn }),
  ])
  return {
    put: { url: put, headers, expiresAt },
    get: { url: get, headers: {}, expiresAt },
    delete: { url: remove, headers: {}, expiresAt },
  }
}

/** What the presigning client does about checksums: anything but WHEN_REQUIRED breaks uploads to AWS, R2, MinIO. */
export async function checksumModes(): Promise<ChecksumModes> {
  const config = presignClient().config
  return { request: await config.requestChecksumCalculation(), response: await config.responseChecksumValidation() }
}
