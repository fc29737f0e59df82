/**
 * The Azure Blob Storage adapter: service SAS tokens as valet keys (../shared/AZURE-SAS.md holds
 * what was verified). A SAS signs the blob, the permission letters and the expiry, but none of the
 * request's content (length, type, blob type, block id), so every check S3 gets from signed
 * headers happens at completion from storage's own view, and completion pins what it verified in
 * a snapshot that every download reads (`sr=bs`). The only importer of @azure/storage-blob.
 */
import { randomUUID } from "node:crypto"
import { Readable } from "node:stream"
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  RestError,
  SASProtocol,
  StorageSharedKeyCredential,
  type BlobClient,
  type BlockBlobClient,
  type ContainerClient,
} from "@azure/storage-blob"
import { getEnv } from "@/lib/env"
import { ApiError } from "@/lib/errors"
import { getLog } from "@/lib/log"
import {
  attachmentDisposition,
  capTtl,
  downloadContentType,
  inlineDisposition,
  type CompletedPart,
  type ListedObject,
  type MultipartCompletion,
  type ChecksumModes,
  type PresignedRequest,
  type ProbeKeys,
  type StoredObject,
  type StoredPart,
  type VersionOption,
} from "@/lib/storage/common"

/** The server-side timeout the SDK asks the blob service for (its `timeout=` query parameter). */
const AZURE_TRY_TIMEOUT_MS = 30_000
/**
 * How long a storage call may wait for the service's answer, both tries included. The SDK's
 * `tryTimeoutInMs` only asks the *service* to give up (`timeout=`): a hung host, or a connection
 * that is accepted and never answered, would hold the request forever. Aborting at this point
 * answers 503 storage_unavailable in bounded time, as S3's connect and idle timeouts do.
 */
const AZURE_RESPONSE_TIMEOUT_MS = 20_000
/**
 * The SDK waits 4 s before its second try by default: longer than the health probe's 3 s, so a
 * refused connection would time the probe out before the failure was answered and logged. S3's
 * SDK retries after about 100 ms; a few hundred keep a blip covered and a dead endpoint quick.
 */
const AZURE_RETRY_DELAY_MS = 300

let credential: StorageSharedKeyCredential | undefined
let serviceClient: BlobServiceClient | undefined
let publicContainerClient: ContainerClient | undefined

const sharedKey = () => {
  const env = getEnv()
  credential ??= new StorageSharedKeyCredential(env.AZURE_STORAGE_ACCOUNT ?? "", env.AZURE_STORAGE_KEY ?? "")
  return credential
}

const defaultEndpoint = () => `https://${getEnv().AZURE_STORAGE_ACCOUNT}.blob.core.windows.net`

/** The client the server talks to the blob service with (account key). */
function service(): BlobServiceClient {
  serviceClient ??= new BlobServiceClient(getEnv().AZURE_BLOB_ENDPOINT ?? defaultEndpoint(), sharedKey(), {
    retryOptions: {
      maxTries: 2,
      tryTimeoutInMs: AZURE_TRY_TIMEOUT_MS,
      retryDelayInMs: AZURE_RETRY_DELAY_MS,
      maxRetryDelayInMs: AZURE_RETRY_DELAY_MS * 4,
    },
  })
  return serviceClient
}

const container = () => service().getContainerClient(getEnv().AZURE_STORAGE_CONTAINER)
const blockBlob = (key: string): BlockBlobClient => container().getBlockBlobClient(key)

/** Only builds URLs for the endpoint browsers reach; it never sends a request. */
function publicBlob(key: string): BlobClient {
  const env = getEnv()
  const endpoint = env.AZURE_BLOB_PUBLIC_ENDPOINT ?? env.AZURE_BLOB_ENDPOINT ?? defaultEndpoint()
  publicContainerClient ??= new BlobServiceClient(endpoint, sharedKey()).getContainerClient(env.AZURE_STORAGE_CONTAINER)
  return publicContainerClient.getBlobClient(key)
}

const statusOf = (error: unknown) => (error instanceof RestError ? error.statusCode : undefined)
const errorCodeOf = (error: unknown) => (error instanceof RestError ? error.code : undefined)

/** Storage failures become a 503; only the operation and the error's name and code are logged (never a URL). */
function storageUnavailable(operation: string, error: unknown): ApiError {
  const name = error instanceof Error ? error.name : "UnknownError"
  const status = statusOf(error)
  const code = errorCodeOf(error)
  getLog().error(`[storage] ${operation} failed: ${name}${status ? ` (HTTP ${status}${code ? ` ${code}` : ""})` : ""}`)
  return new ApiError("storage_unavailable", "Storage is unavailable, try again shortly")
}

/**
 * Runs one SDK call with an abort signal that fires after AZURE_RESPONSE_TIMEOUT_MS; the timer
 * stops once the call resolves, so a download's body (streamed afterwards) is not cut short.
 */
async function bounded<T>(call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), AZURE_RESPONSE_TIMEOUT_MS)
  try {
    return await call(controller.signal)
  } finally {
    clearTimeout(timer)
  }
}

async function send<T>(operation: string, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await bounded(call)
  } catch (error) {
    throw storageUnavailable(operation, error)
  }
}

const expiresAtAfter = (seconds: number) => new Date(Date.now() + seconds * 1000)

/**
 * A service SAS for one blob. `st` is never set: a server clock a little ahead of storage's would
 * make fresh keys fail. HTTPS only unless AZURE_SAS_ALLOW_HTTP (Azurite) says otherwise.
 */
function sas(input: {
  key: string
  permissions: string
  expiresIn: number
  snapshot?: string | null
  contentDisposition?: string
  contentType?: string
}): string {
  const env = getEnv()
  return generateBlobSASQueryParameters(
    {
      containerName: env.AZURE_STORAGE_CONTAINER,
      blobName: input.key,
      permissions: BlobSASPermissions.parse(input.permissions),
      expiresOn: expiresAtAfter(input.expiresIn),
      protocol: env.AZURE_SAS_ALLOW_HTTP ? SASProtocol.HttpsAndHttp : SASProtocol.Https,
      snapshotTime: input.snapshot ?? undefined,
      contentDisposition: input.contentDisposition,
      contentType: input.contentType,
    },
    sharedKey(),
  ).toString()
}

/** The blob's (or its snapshot's) public URL with extra query parameters and a SAS appended. */
function signedUrl(
  key: string,
  query: string,
  snapshot?: string | null,
  via: "public" | "internal" = "public",
): string {
  const blob = via === "public" ? publicBlob(key) : blockBlob(key)
  const url = (snapshot ? blob.withSnapshot(snapshot) : blob).url
  return `${url}${url.includes("?") ? "&" : "?"}${query}`
}

/**
 * A create-only key (`sp=c`): it writes a blob that does not exist yet, once. A second Put Blob,
 * Set Blob Properties or a lease break through it are refused by storage. Length and type cannot
 * be signed into a SAS: completion checks both (and the blob type) against the grant.
 */
export async function presignPut(input: {
  key: string
  contentType: string
  size: number
  sha256?: string
  expiresIn?: number
}): Promise<PresignedRequest> {
  const expiresIn = capTtl(input.expiresIn ?? getEnv().UPLOAD_URL_TTL_SECONDS)
  const url = signedUrl(input.key, sas({ key: input.key, permissions: "c", expiresIn }))
  const headers = {
    "x-ms-blob-type": "BlockBlob",
    "x-ms-blob-content-type": input.contentType,
    "content-type": input.contentType,
  }
  return { url, headers, expiresAt: expiresAtAfter(expiresIn) }
}

/** Part n is block `p0000n` (base64): every block id of a blob must have the same length. */
export const blockIdFor = (partNumber: number) =>
  Buffer.from(`p${String(partNumber).padStart(5, "0")}`).toString("base64")

/** The part number a block id stands for, or 0 for an id Valet never handed out. */
function partNumberOf(blockId: string): number {
  const match = /^p(\d{5})$/.exec(Buffer.from(blockId, "base64").toString("latin1"))
  return match ? Number(match[1]) : 0
}

/**
 * A write key (`sp=w`) for one Put Block. The block id and the length are not covered by the
 * signature (a `w` key can stage any block, or commit): completion verifies the block list from
 * storage. One short key per call keeps each grant audited and brief.
 */
export async function presignPart(input: {
  key: string
  uploadId: string
  partNumber: number
  size?: number
  expiresIn?: number
}): Promise<PresignedRequest> {
  const expiresIn = capTtl(input.expiresIn ?? getEnv().PART_URL_TTL_SECONDS)
  const query = `comp=block&blockid=${encodeURIComponent(blockIdFor(input.partNumber))}&${sas({ key: input.key, permissions: "w", expiresIn })}`
  return { url: signedUrl(input.key, query), headers: {}, expiresAt: expiresAtAfter(expiresIn) }
}

/**
 * A download key (`sp=r`) for the verified snapshot, an attachment under the display name
 * (`rscd`) with the recorded type pinned (`rsct`, active content as octet-stream): whatever a
 * write key did to the blob afterwards, recipients get the bytes completion checked.
 */
export async function presignGet(
  input: { key: string; filename: string; contentType?: string; expiresIn?: number } & VersionOption,
): Promise<PresignedRequest> {
  const expiresIn = capTtl(input.expiresIn ?? getEnv().DOWNLOAD_URL_TTL_SECONDS)
  const query = sas({
    key: input.key,
    permissions: "r",
    expiresIn,
    snapshot: input.version,
    contentDisposition: attachmentDisposition(input.filename),
    contentType: downloadContentType(input.contentType),
  })
  return { url: signedUrl(input.key, query, input.version), headers: {}, expiresAt: expiresAtAfter(expiresIn) }
}

/**
 * An inline read key for a preview of a type the caller judged safe, that type pinned. It lives
 * PREVIEW_URL_TTL_SECONDS like S3's: a player keeps sending Range requests with it.
 */
export async function presignPreview(
  input: { key: string; filename: string; contentType: string; expiresIn?: number } & VersionOption,
): Promise<PresignedRequest> {
  const expiresIn = capTtl(input.expiresIn ?? getEnv().PREVIEW_URL_TTL_SECONDS)
  const query = sas({
    key: input.key,
    permissions: "r",
    expiresIn,
    snapshot: input.version,
    contentDisposition: inlineDisposition(input.filename),
    contentType: input.contentType,
  })
  return { url: signedUrl(input.key, query, input.version), headers: {}, expiresAt: expiresAtAfter(expiresIn) }
}

/**
 * What storage holds (the snapshot when `version` is given), or null. A create key also lets the
 * client make a page or append blob (even a 1 TiB sparse one) or start a server-side copy from any
 * URL; such an object carries a `problem` and completion discards it.
 */
export async function headObject(key: string, options: VersionOption = {}): Promise<StoredObject | null> {
  const blob = options.version ? blockBlob(key).withSnapshot(options.version) : blockBlob(key)
  try {
    const head = await bounded((abortSignal) => blob.getProperties({ abortSignal }))
    const problem =
      head.blobType !== "BlockBlob"
        ? `Storage holds a ${head.blobType ?? "blob of unknown type"}, not an uploaded block blob`
        : head.copyId || head.copyStatus
          ? "Storage holds a server-side copy, not uploaded bytes"
          : undefined
    return {
      size: head.contentLength ?? 0,
      contentType: head.contentType,
      etag: head.etag,
      ...(problem ? { problem } : {}),
    }
  } catch (error) {
    if (statusOf(error) === 404) return null
    throw storageUnavailable("GetBlobProperties", error)
  }
}

/**
 * Snapshots the blob: a snapshot cannot be written, so what completion verifies next is what
 * every download serves, whatever a still-valid write key does to the blob. Null when no blob.
 */
export async function sealObject(key: string): Promise<string | null> {
  try {
    const snapshot = await bounded((abortSignal) => blockBlob(key).createSnapshot({ abortSignal }))
    return snapshot.snapshot ?? null
  } catch (error) {
    if (statusOf(error) === 404) return null
    throw storageUnavailable("SnapshotBlob", error)
  }
}

/** Deletes the blob with its snapshots; nothing there is fine. */
export async function deleteObject(key: string): Promise<void> {
  await send("DeleteBlob", (abortSignal) => blockBlob(key).deleteIfExists({ deleteSnapshots: "include", abortSignal }))
}

/** Azure has nothing to create: blocks are staged on the blob's name. The id only marks the upload as multipart. */
export async function createMultipartUpload(): Promise<string> {
  return `blocks-${randomUUID()}`
}

type BlockList = { committed: { name: string; size: number }[]; uncommitted: { name: string; size: number }[] }

/** Get Block List with the account key (a client's `w` SAS cannot call it); null when no blob or block exists. */
async function blockListOf(key: string): Promise<BlockList | null> {
  try {
    const list = await bounded((abortSignal) => blockBlob(key).getBlockList("all", { abortSignal }))
    const blocks = (items: { name: string; size: number }[] | undefined) =>
      (items ?? []).map(({ name, size }) => ({ name, size }))
    return { committed: blocks(list.committedBlocks), uncommitted: blocks(list.uncommittedBlocks) }
  } catch (error) {
    if (statusOf(error) === 404) return null
    throw storageUnavailable("GetBlockList", error)
  }
}

/**
 * Commits parts 1..N as the blob, after checking storage's own block list: nothing committed yet
 * (a `w` key can commit its own list), exactly the planned block ids, each of its planned size.
 * The commit is conditional (If-None-Match: *) and sets the recorded type and an attachment
 * disposition; storage refusing an id is a client error (false), anything else a mismatch.
 */
export async function completeMultipartUpload(input: {
  key: string
  uploadId: string
  parts: CompletedPart[]
  contentType?: string
  partSizes?: number[]
}): Promise<MultipartCompletion> {
  const list = await blockListOf(input.key)
  if (!list) return false
  if (list.committed.length > 0) return { mismatch: "The blob was committed by someone other than Valet" }
  const ids = [...input.parts].sort((a, b) => a.partNumber - b.partNumber).map((part) => blockIdFor(part.partNumber))
  const staged = new Map(list.uncommitted.map((block) => [block.name, block.size]))
  if (ids.some((id) => !staged.has(id))) return false
  if (staged.size !== ids.length) return { mismatch: "Storage holds blocks that are not parts of this upload" }
  const wrongSize = input.partSizes?.findIndex((size, index) => staged.get(blockIdFor(index + 1)) !== size) ?? -1
  if (wrongSize >= 0)
    return {
      mismatch: `Part ${wrongSize + 1} has ${staged.get(blockIdFor(wrongSize + 1))} bytes, not ${input.partSizes?.[wrongSize]}`,
    }
  try {
    await bounded((abortSignal) =>
      blockBlob(input.key).commitBlockList(ids, {
        blobHTTPHeaders: { blobContentType: input.contentType, blobContentDisposition: "attachment" },
        conditions: { ifNoneMatch: "*" },
        abortSignal,
      }),
    )
    return true
  } catch (error) {
    const status = statusOf(error)
    if (status === 400) return false
    if (status === 409 || status === 412) return { mismatch: "The blob was committed by someone else meanwhile" }
    throw storageUnavailable("PutBlockList", error)
  }
}

/**
 * Discards staged blocks and the blob. Azure has no abort: an empty conditional Put Block List
 * drops every uncommitted block, then the blob goes. A part key still valid may stage again
 * afterwards, so the reaper repeats this after the keys expire. False when nothing was there.
 */
export async function abortMultipartUpload(input: { key: string; uploadId: string }): Promise<boolean> {
  if (!(await blockListOf(input.key))) return false
  try {
    await bounded((abortSignal) =>
      blockBlob(input.key).commitBlockList([], { conditions: { ifNoneMatch: "*" }, abortSignal }),
    )
  } catch (error) {
    // Already committed (by a client's key): deleting it below is all that is left.
    if (statusOf(error) !== 409 && statusOf(error) !== 412) throw storageUnavailable("PutBlockList", error)
  }
  const deleted = await send("DeleteBlob", (abortSignal) =>
    blockBlob(input.key).deleteIfExists({ deleteSnapshots: "include", abortSignal }),
  )
  return deleted.succeeded
}

/** The staged blocks as parts (the block id stands in for the ETag), committed ones marked; [] before any block. */
export async function listParts(input: { key: string; uploadId: string }): Promise<StoredPart[] | null> {
  const list = await blockListOf(input.key)
  if (!list) return []
  const parts: StoredPart[] = list.uncommitted.map((block) => ({
    partNumber: partNumberOf(block.name),
    etag: block.name,
    size: block.size,
  }))
  for (const block of list.committed)
    parts.push({ partNumber: partNumberOf(block.name), etag: block.name, size: block.size, committed: true })
  return parts.sort((a, b) => a.partNumber - b.partNumber)
}

/** Every blob under a prefix (base blobs, not snapshots), a page at a time. */
export async function* listObjects(prefix = "", options: { pageSize?: number } = {}): AsyncGenerator<ListedObject[]> {
  const pages = container()
    .listBlobsFlat({ prefix: prefix || undefined })
    .byPage({ maxPageSize: options.pageSize })
  while (true) {
    const page = await send("ListBlobs", () => pages.next())
    if (page.done) return
    yield page.value.segment.blobItems.map((blob) => ({
      key: blob.name,
      size: blob.properties.contentLength ?? 0,
      etag: blob.properties.etag,
      lastModified: blob.properties.lastModified,
    }))
    if (!page.value.continuationToken) return
  }
}

/** A blob's bytes as a web stream, or null when there is no such blob. */
export async function readObject(key: string): Promise<ReadableStream<Uint8Array> | null> {
  try {
    const download = await bounded((abortSignal) => blockBlob(key).download(0, undefined, { abortSignal }))
    const body = download.readableStreamBody
    if (!body) return null
    return Readable.toWeb(Readable.from(body)) as ReadableStream<Uint8Array>
  } catch (error) {
    if (statusOf(error) === 404) return null
    throw storageUnavailable("GetBlob", error)
  }
}

/** Streams a body through this server into a block blob (the benchmark's proxy baseline only). */
export async function putObjectStream(input: {
  key: string
  contentType: string
  body: ReadableStream<Uint8Array>
  partSize?: number
  queueSize?: number
}): Promise<void> {
  const partSize = input.partSize ?? getEnv().MULTIPART_PART_SIZE_BYTES
  await send("UploadStream", () =>
    blockBlob(input.key).uploadStream(
      Readable.fromWeb(input.body as import("node:stream/web").ReadableStream),
      partSize,
      input.queueSize ?? 4,
      {
        blobHTTPHeaders: { blobContentType: input.contentType },
      },
    ),
  )
}

/** The blob service answers and the container exists with our key. */
export async function checkStorage(): Promise<void> {
  await send("GetContainerProperties", (abortSignal) => container().getProperties({ abortSignal }))
}

/**
 * Creates the container if needed and sets the service's CORS rule: the app's origins only, the
 * methods valet keys use, the headers Uppy sends for Put Blob / Put Block (and Range for previews),
 * and ETag and Content-Range exposed. On
 * Azure itself operators usually set this through their infrastructure code instead.
 */
export async function ensureBucket(input: { corsOrigins: string[] }): Promise<void> {
  await send("CreateContainer", (abortSignal) => container().createIfNotExists({ abortSignal }))
  const cors = input.corsOrigins.length
    ? [
        {
          allowedOrigins: input.corsOrigins.join(","),
          // DELETE: the admin console's storage self-test removes its probe blob from the page.
          allowedMethods: "GET,HEAD,PUT,DELETE,OPTIONS",
          allowedHeaders:
            "x-ms-blob-type,x-ms-blob-content-type,x-ms-blob-content-disposition,content-type,content-md5," +
            "x-ms-content-crc64,range",
          // Content-Range too: a share page's player, text preview and browser-side zip read ranges.
          exposedHeaders:
            "etag,content-md5,x-ms-request-id,x-ms-error-code,content-disposition,content-length,content-type," +
            "content-range,accept-ranges",
          maxAgeInSeconds: 600,
        },
      ]
    : []
  await send("SetBlobServiceProperties", (abortSignal) => service().setProperties({ cors }, { abortSignal }))
}

/**
 * The self-test's probe keys: a create-only Put Blob (`c`, as an upload's), a read and a delete
 * (`d`), for the public endpoint or the one the server talks to (`internal`).
 */
export async function presignProbe(input: {
  key: string
  via: "public" | "internal"
  expiresIn: number
}): Promise<ProbeKeys> {
  const expiresIn = capTtl(input.expiresIn)
  const expiresAt = expiresAtAfter(expiresIn)
  const keyFor = (permissions: string) => ({
    url: signedUrl(input.key, sas({ key: input.key, permissions, expiresIn }), null, input.via),
    expiresAt,
  })
  return {
    put: { ...keyFor("c"), headers: { "x-ms-blob-type": "BlockBlob", "content-type": "text/plain" } },
    get: { ...keyFor("r"), headers: {} },
    delete: { ...keyFor("d"), headers: {} },
  }
}

/** A SAS signs no checksum: there is no client setting that could break uploads. */
export async function checksumModes(): Promise<ChecksumModes> {
  return null
}
