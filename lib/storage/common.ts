import contentDisposition from "content-disposition"
import { MAX_PRESIGN_TTL_SECONDS } from "@/lib/env"
import { downloadContentType as pinnedDownloadType } from "@/lib/shared/download-types"

/** A valet key: one URL for one operation on one object, and when it stops working. */
export type PresignedRequest = { url: string; expiresAt: Date; headers: Record<string, string> }

/**
 * What storage holds under a key. `problem` names why the object is not plain uploaded bytes
 * even when size and type match (Azure: a page or append blob, a server-side copy); S3 objects
 * never have one, since their signed headers leave no such choice to the client.
 */
export type StoredObject = { size: number; contentType: string | undefined; etag: string | undefined; problem?: string }

export type CompletedPart = { partNumber: number; etag: string }

/**
 * A part storage holds for an open upload. `committed`: Azure only, a block the client already
 * committed into the blob itself (its `w` key allows Put Block List), which completion refuses.
 */
export type StoredPart = { partNumber: number; etag: string; size: number; committed?: true }

export type ListedObject = { key: string; size: number; etag: string | undefined; lastModified: Date | undefined }

/**
 * How a multipart completion went: true when assembled; false when storage refused the part list
 * (a client error, like a missing part); a `mismatch` when what storage holds is not what was
 * planned and must be discarded (Azure's own verification of the block list).
 */
export type MultipartCompletion = boolean | { mismatch: string }

/** Clamps a TTL into [1 s, 7 days]: S3 rejects longer presigned URLs and a 0 TTL is a bug. */
export function capTtl(seconds: number): number {
  if (!Number.isFinite(seconds)) return 1
  return Math.min(MAX_PRESIGN_TTL_SECONDS, Math.max(1, Math.floor(seconds)))
}

/** An ASCII stand-in for a display name: accents dropped, anything else non-printable → "_". */
function asciiFilename(filename: string): string {
  return filename
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\x20-\x7e]/g, "_")
}

/**
 * RFC 6266 `attachment` with an ASCII `filename` and, when the name is not plain ASCII, an
 * RFC 5987 UTF-8 `filename*`, so storage never renders uploaded HTML/SVG inline, any display name
 * survives the trip, and no raw non-ASCII byte ends up in a response header.
 */
export function attachmentDisposition(filename: string): string {
  // content-disposition treats its input as a path and keeps only what follows the last "/" or
  // "\\", so "a/b.txt" would be saved as "b.txt". A display name is not a path; browsers turn
  // separators into "_" when saving anyway, so do that here and keep the rest of the name.
  const name = filename.replace(/[/\\]/g, "_")
  return contentDisposition(name, { type: "attachment", fallback: asciiFilename(name) })
}

/** `inline` for a preview, with the same filename encoding as a download (Save As keeps the name). */
export function inlineDisposition(filename: string): string {
  const name = filename.replace(/[/\\]/g, "_")
  return contentDisposition(name, { type: "inline", fallback: asciiFilename(name) })
}

/** The type a download is served with (DESIGN §3.13): the recorded type when it cannot run, else octet-stream. */
export function downloadContentType(recorded: string | undefined): string {
  return recorded ? pinnedDownloadType(recorded) : "application/octet-stream"
}

/**
 * Keys for the storage self-test's probe object (lib/storage-check.ts): a create-once PUT of a
 * small text body, a GET and a DELETE, for the endpoint browsers use (`public`) or the one the
 * server talks to (`internal`).
 */
export type ProbeKeys = { put: PresignedRequest; get: PresignedRequest; delete: PresignedRequest }

/** How the S3 client computes and validates checksums; null where a cloud has no such setting (Azure SAS). */
export type ChecksumModes = { request: string; response: string } | null

/** Reads a specific version of an object: Azure's verified snapshot; S3 has one version (null). */
export type VersionOption = { version?: string | null }

/**
 * The operations Valet asks of object storage, whichever cloud it is. Every adapter implements
 * all of them with the same meaning; lib/storage/index.ts picks one from STORAGE_BACKEND.
 */
export type StoragePort = {
  /** A single-request upload key for one new object of a declared size and type. */
  presignPut(input: {
    key: string
    contentType: string
    size: number
    sha256?: string
    expiresIn?: number
  }): Promise<PresignedRequest>
  /** A key for one part of a multipart upload. */
  presignPart(input: {
    key: string
    uploadId: string
    partNumber: number
    size?: number
    expiresIn?: number
  }): Promise<PresignedRequest>
  /** A download key: attachment under `filename`; its type pinned when `contentType` is given. */
  presignGet(
    input: { key: string; filename: string; contentType?: string; expiresIn?: number } & VersionOption,
  ): Promise<PresignedRequest>
  /** An inline key with the response type pinned, for previews of types that cannot run. */
  presignPreview(
    input: { key: string; filename: string; contentType: string; expiresIn?: number } & VersionOption,
  ): Promise<PresignedRequest>
  headObject(key: string, options?: VersionOption): Promise<StoredObject | null>
  /**
   * Pins what completion is about to verify so no later write can change what recipients get:
   * Azure snapshots the blob and answers the snapshot id; S3 answers null (no call).
   */
  sealObject(key: string): Promise<string | null>
  deleteObject(key: string): Promise<void>
  createMultipartUpload(input: { key: string; contentType: string }): Promise<string>
  completeMultipartUpload(input: {
    key: string
    uploadId: string
    parts: CompletedPart[]
    contentType?: string
    partSizes?: number[]
  }): Promise<MultipartCompletion>
  abortMultipartUpload(input: { key: string; uploadId: string }): Promise<boolean>
  listParts(input: { key: string; uploadId: string }): Promise<StoredPart[] | null>
  listObjects(prefix?: string, options?: { pageSize?: number }): AsyncGenerator<ListedObject[]>
  readObject(key: string): Promise<ReadableStream<Uint8Array> | null>
  putObjectStream(input: {
    key: string
    contentType: string
    body: ReadableStream<Uint8Array>
    partSize?: number
    queueSize?: number
  }): Promise<void>
  checkStorage(): Promise<void>
  ensureBucket(input: { corsOrigins: string[] }): Promise<void>
  /** Probe keys for the self-test; never counted as minted valet keys, never audited (no user's data). */
  presignProbe(input: { key: string; via: "public" | "internal"; expiresIn: number }): Promise<ProbeKeys>
  checksumModes(): Promise<ChecksumModes>
}
