import { randomUUID } from "node:crypto"
import type { AuthUser } from "@/lib/auth"
import { recordMintedKeys, type AuditActor } from "@/lib/audit"
import { getDb } from "@/lib/db"
import { onFileUploaded } from "@/lib/notifications"
import { ApiError, notFound } from "@/lib/errors"
import { getEnv } from "@/lib/env"
import type { Prisma } from "@/lib/generated/prisma/client"
import { consumeRateLimit } from "@/lib/rate-limit"
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  deleteObject,
  headObject,
  listParts,
  presignPart,
  presignPut,
  type StoredPart,
} from "@/lib/storage"
import { formatBytes, partLayout, partSizeOf } from "@/lib/upload-layout"
import type { UploadRequest } from "@/lib/validations/uploads"
import { isResourceId } from "@/lib/validations/text"

/** Grants per user per window, from the environment (default 300 per 10 minutes). */
export const uploadGrantLimit = (env = getEnv()) => ({ limit: env.UPLOAD_GRANT_RATE_LIMIT, windowSeconds: env.UPLOAD_GRANT_RATE_WINDOW_SECONDS })
/** Grants per upload request and client address: outsiders get a tighter budget. */
export const UPLOAD_REQUEST_GRANT_LIMIT = { limit: 60, windowSeconds: 10 * 60 }
/** A single PUT may land a little after its URL expired (a slow upload that started in time). */
const SINGLE_UPLOAD_GRACE_SECONDS = 15 * 60

export type FileSummary = { id: string; name: string; size: number; type: string; createdAt: Date }

export type UploadGrant =
  | { id: string; multipart: false; url: string; method: "PUT"; headers: Record<string, string>; expiresAt: Date }
  | { id: string; multipart: true; partSize: number; partCount: number; expiresAt: Date }

/**
 * Who acts on an upload: its signed-in owner, or someone without an account sending files into
 * an owner's space through an upload request (who may only put, never list, read or delete).
 */
export type Uploader = AuthUser | RequestUploader
export type RequestUploader = {
  via: "upload-request"
  request: { id: string; ownerId: string; limits: UploadRequestLimits }
  ip: string
}
export type UploadRequestLimits = { maxFiles: number; maxFileSize: number; maxTotalSize: number; allowedTypes: string[] }

const isRequestUploader = (uploader: Uploader): uploader is RequestUploader => uploader.via === "upload-request"
const ownerIdOf = (uploader: Uploader) => (isRequestUploader(uploader) ? uploader.request.ownerId : uploader.id)
const actorOf = (uploader: Uploader): AuditActor =>
  isRequestUploader(uploader) ? { id: null, via: "upload-request" } : { id: uploader.id, via: uploader.via }
/** The uploads an uploader may see: an owner's own, or those sent through one request. */
const scopeOf = (uploader: Uploader) => (isRequestUploader(uploader) ? { uploadRequestId: uploader.request.id } : { ownerId: uploader.id })

/** Server-minted object key: nothing of the user's input (file name) ever becomes part of it. */
export const objectKeyFor = (userId: string, uploadId: string) => `u/${userId}/${uploadId}`

// One advisory lock per user while checking the quota and recording the grant: two concurrent
// grants cannot both fit into the last free gigabyte. The SQL function valet_grant_single_upload
// (prisma/migrations/…_grant_in_one_round_trip) takes the same lock.
export const lockOwnerQuota = (tx: Prisma.TransactionClient, userId: string) =>
  tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`quota:${userId}`}, 0))`

/** Bytes a user holds or has been granted: stored files plus uploads still in flight (one SQL definition). */
async function bytesInUse(tx: Prisma.TransactionClient, userId: string): Promise<number> {
  const [row] = await tx.$queryRaw<{ used: bigint }[]>`SELECT valet_bytes_in_use(${userId}) AS used`
  return Number(row?.used ?? 0n)
}

const quotaExceeded = (size: number, used: number, quota: number) =>
  new ApiError(
    "quota_exceeded",
    `This upload needs ${formatBytes(size)} but only ${formatBytes(Math.max(0, quota - used))} of your ${formatBytes(quota)} are free`,
  )

/** Refuses an upload that does not fit the owner's quota. Call under lockOwnerQuota, in the same transaction. */
export async function assertQuotaRoom(tx: Prisma.TransactionClient, ownerId: string, size: number): Promise<void> {
  const account = await tx.user.findUniqueOrThrow({ where: { id: ownerId }, select: { quotaBytes: true } })
  const quota = account.quotaBytes === null ? getEnv().USER_QUOTA_BYTES : Number(account.quotaBytes)
  const used = await bytesInUse(tx, ownerId)
  if (used + size > quota) throw quotaExceeded(size, used, quota)
}

/** What every upload passes before anything is recorded: the size cap and the uploader's rate limit (DESIGN §3.8). */
export async function admitUpload(uploader: Uploader, size: number): Promise<void> {
  const env = getEnv()
  if (size > env.MAX_FILE_SIZE_BYTES) {
    throw new ApiError("file_too_large", `Files may be at most ${formatBytes(env.MAX_FILE_SIZE_BYTES)}; this one is ${formatBytes(size)}`)
  }
  const rate = await consumeRateLimit(
    isRequestUploader(uploader)
      ? { key: `upload-request:${uploader.request.id}:ip:${uploader.ip}`, ...UPLOAD_REQUEST_GRANT_LIMIT }
      : { key: `upload:user:${ownerIdOf(uploader)}`, ...uploadGrantLimit(env) },
  )
  if (!rate.allowed) {
    throw new ApiError("rate_limited", `Too many uploads started; try again in ${rate.retryAfterSeconds} seconds`, {
      "Retry-After": String(rate.retryAfterSeconds),
    })
  }
}

/**
 * The common grant, an account owner's single PUT, in one database round trip: the SQL function
 * takes the owner's lock, checks the quota and records the Upload row and the key's audit row in
 * one implicit transaction. The URL is signed first (CPU only, no I/O) so that the audit row holds
 * its real expiry, and leaves this process only once both rows are committed; a refused grant's
 * signature is dropped unseen.
 */
async function grantSingleUpload(user: AuthUser, input: UploadRequest, grant: { id: string; objectKey: string; expiresAt: Date }): Promise<UploadGrant> {
  const env = getEnv()
  const put = await presignPut({ key: grant.objectKey, contentType: input.type, size: input.size, sha256: input.sha256 })
  const [result] = await getDb().$queryRaw<{ granted: boolean; used: bigint; quota: bigint | null }[]>`
    SELECT granted, used, quota FROM valet_grant_single_upload(
      ${grant.id}, ${user.id}, ${grant.objectKey}, ${input.name}, ${input.type}, ${BigInt(input.size)}, ${input.sha256 ?? null},
      ${grant.expiresAt}::timestamp(3), ${BigInt(env.USER_QUOTA_BYTES)}, ${randomUUID()}, ${user.via}, ${put.expiresAt}::timestamp(3))`
  if (!result || result.quota === null) throw notFound("Account")
  if (!result.granted) throw quotaExceeded(input.size, Number(result.used), Number(result.quota))
  return { id: grant.id, multipart: false, method: "PUT", url: put.url, headers: put.headers, expiresAt: put.expiresAt }
}

/** Whether a media type is among a request's allowed ones ("image/*" matches any image). */
function isTypeAllowed(type: string, allowedTypes: string[]): boolean {
  if (allowedTypes.length === 0) return true
  const bare = type.split(";")[0]?.trim().toLowerCase() ?? ""
  return allowedTypes.some((allowed) => (allowed.endsWith("/*") ? bare.startsWith(allowed.slice(0, -1)) : bare === allowed))
}

/**
 * An upload request's limits, checked under a lock on the request: files and bytes already sent
 * or in flight count, so concurrent grants cannot exceed the count or the total.
 */
async function assertRequestHasRoom(tx: Prisma.TransactionClient, request: RequestUploader["request"], input: UploadRequest) {
  const { limits } = request
  if (!isTypeAllowed(input.type, limits.allowedTypes)) {
    throw new ApiError("type_not_allowed", `This link accepts ${limits.allowedTypes.join(", ")} only`)
  }
  if (input.size > limits.maxFileSize) {
    throw new ApiError("file_too_large", `This link accepts files up to ${formatBytes(limits.maxFileSize)}`)
  }
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`upload-request:${request.id}`}, 0))`
  // Read again under the lock: a request closed a moment ago takes no more files.
  const current = await tx.uploadRequest.findUnique({ where: { id: request.id }, select: { closedAt: true, expiresAt: true } })
  if (!current || current.closedAt || (current.expiresAt && current.expiresAt <= new Date())) {
    throw new ApiError("request_closed", "This upload link is closed")
  }
  const sent = await tx.upload.aggregate({
    where: { uploadRequestId: request.id, status: { in: ["PENDING", "COMPLETED"] } },
    _count: true,
    _sum: { size: true },
  })
  if (sent._count >= limits.maxFiles) {
    throw new ApiError("request_full", `This link takes ${limits.maxFiles} file${limits.maxFiles === 1 ? "" : "s"} and has them all`)
  }
  if (Number(sent._sum.size ?? 0n) + input.size > limits.maxTotalSize) {
    throw new ApiError("request_total_exceeded", `This link takes ${formatBytes(limits.maxTotalSize)} in total; this file does not fit`)
  }
}

/**
 * Grants an upload: size, rate and quota are checked before any key exists (DESIGN §3.8); then
 * the Upload row, the multipart upload in storage if the file is big, and for a small file one
 * presigned PUT with Content-Type, Content-Length (and the SHA-256 if given) signed in.
 */
export async function grantUpload(uploader: Uploader, input: UploadRequest): Promise<UploadGrant> {
  const env = getEnv()
  await admitUpload(uploader, input.size)
  const ownerId = ownerIdOf(uploader)
  const id = randomUUID()
  // Keys stay under the owner's prefix whoever sends the bytes.
  const objectKey = objectKeyFor(ownerId, id)
  const isMultipart = input.size > env.MULTIPART_THRESHOLD_BYTES
  const layout = isMultipart ? partLayout(input.size, env.MULTIPART_PART_SIZE_BYTES) : undefined
  const expiresAt = new Date(
    Date.now() + 1000 * (isMultipart ? env.MULTIPART_UPLOAD_WINDOW_SECONDS : env.UPLOAD_URL_TTL_SECONDS + SINGLE_UPLOAD_GRACE_SECONDS),
  )

  if (!isMultipart && !isRequestUploader(uploader)) return grantSingleUpload(uploader, input, { id, objectKey, expiresAt })

  return getDb().$transaction(
    async (tx) => {
      await lockOwnerQuota(tx, ownerId)
      // Taken after the owner's lock, always in that order, so grants cannot deadlock.
      if (isRequestUploader(uploader)) await assertRequestHasRoom(tx, uploader.request, input)
      await assertQuotaRoom(tx, ownerId, input.size)
      // Created inside the transaction: if storage refuses, no row is left behind.
      const multipartUploadId = isMultipart ? await createMultipartUpload({ key: objectKey, contentType: input.type }) : null
      await tx.upload.create({
        data: {
          id,
          ownerId,
          uploadRequestId: isRequestUploader(uploader) ? uploader.request.id : null,
          objectKey,
          fileName: input.name,
          contentType: input.type,
          size: BigInt(input.size),
          sha256: input.sha256 ?? null,
          multipartUploadId,
          partSize: layout?.partSize ?? null,
          partCount: layout?.partCount ?? null,
          expiresAt,
        },
      })
      if (layout) return { id, multipart: true as const, ...layout, expiresAt }

      const put = await presignPut({ key: objectKey, contentType: input.type, size: input.size, sha256: input.sha256 })
      await recordMintedKeys(actorOf(uploader), [{ action: "upload.put", method: "PUT", objectKey, expiresAt: put.expiresAt, uploadId: id }], tx)
      return { id, multipart: false as const, method: "PUT" as const, url: put.url, headers: put.headers, expiresAt: put.expiresAt }
    },
    // Under load a grant may wait a while for a pooled connection; that is a queue, not a failure.
    { maxWait: 15_000, timeout: 30_000 },
  )
}

const UPLOAD_SELECT = {
  id: true,
  objectKey: true,
  fileName: true,
  contentType: true,
  size: true,
  sha256: true,
  multipartUploadId: true,
  partSize: true,
  partCount: true,
  status: true,
  expiresAt: true,
  file: { select: { id: true, name: true, size: true, contentType: true, createdAt: true } },
} as const

/** The caller's upload; anyone else's is indistinguishable from a missing one (404). */
async function findOwnUpload(uploader: Uploader, uploadId: string) {
  if (!isResourceId(uploadId)) throw notFound("Upload")
  const upload = await getDb().upload.findFirst({ where: { id: uploadId, ...scopeOf(uploader) }, select: UPLOAD_SELECT })
  if (!upload) throw notFound("Upload")
  return upload
}

type OwnUpload = Awaited<ReturnType<typeof findOwnUpload>>

function assertOpen(upload: OwnUpload) {
  if (upload.status !== "PENDING") throw new ApiError("upload_not_open", `This upload is ${upload.status.toLowerCase()}`)
  if (upload.expiresAt <= new Date()) throw new ApiError("upload_not_open", "This upload expired; start it again")
}

function multipartLayoutOf(upload: OwnUpload) {
  if (!upload.multipartUploadId || !upload.partSize || !upload.partCount) {
    throw new ApiError("not_multipart", "This upload is a single PUT; it has no parts")
  }
  return { uploadId: upload.multipartUploadId, size: Number(upload.size), partSize: upload.partSize, partCount: upload.partCount }
}

/**
 * Part URLs for an open multipart upload, each signed for one part number and that part's exact
 * length. Can be called again for the same parts: long uploads outlive one URL.
 */
export async function signUploadParts(uploader: Uploader, uploadId: string, partNumbers: number[]) {
  const upload = await findOwnUpload(uploader, uploadId)
  assertOpen(upload)
  const layout = multipartLayoutOf(upload)
  const outOfRange = partNumbers.filter((partNumber) => partNumber < 1 || partNumber > layout.partCount)
  if (outOfRange.length > 0) {
    throw new ApiError("invalid_part_number", `This upload has parts 1 to ${layout.partCount}; ${outOfRange.join(", ")} is out of range`)
  }
  // A part URL never outlives the upload it belongs to.
  const expiresIn = Math.min(getEnv().PART_URL_TTL_SECONDS, Math.floor((upload.expiresAt.getTime() - Date.now()) / 1000))
  const parts = await Promise.all(
    partNumbers.map(async (partNumber) => {
      const size = partSizeOf(partNumber, layout)
      const signed = await presignPart({ key: upload.objectKey, uploadId: layout.uploadId, partNumber, size, expiresIn })
      return { partNumber, size, url: signed.url, expiresAt: signed.expiresAt }
    }),
  )
  await recordMintedKeys(
    actorOf(uploader),
    parts.map((part) => ({
      action: "upload.part",
      method: "PUT" as const,
      objectKey: upload.objectKey,
      expiresAt: part.expiresAt,
      uploadId: upload.id,
      details: { partNumber: part.partNumber },
    })),
  )
  return parts
}

/** Parts storage already holds (to resume after a reload), or null where storage cannot list them. */
export async function listUploadedParts(uploader: Uploader, uploadId: string): Promise<StoredPart[] | null> {
  const upload = await findOwnUpload(uploader, uploadId)
  assertOpen(upload)
  const layout = multipartLayoutOf(upload)
  return listParts({ key: upload.objectKey, uploadId: layout.uploadId })
}

const toFileSummary = (file: { id: string; name: string; size: bigint; contentType: string; createdAt: Date }): FileSummary => ({
  id: file.id,
  name: file.name,
  size: Number(file.size),
  type: file.contentType,
  createdAt: file.createdAt,
})

/** Deletes what storage holds for a grant that turned out wrong, and closes it as REJECTED. */
async function rejectUpload(upload: OwnUpload, reason: string): Promise<never> {
  await deleteObject(upload.objectKey)
  await getDb().upload.updateMany({ where: { id: upload.id, status: "PENDING" }, data: { status: "REJECTED", closedAt: new Date() } })
  throw new ApiError("upload_mismatch", `${reason}; the upload was discarded`)
}

/** Which parts a multipart completion will use: storage's own list where it has one. */
async function partsToComplete(upload: OwnUpload, clientParts: { partNumber: number; etag: string }[] | undefined) {
  const layout = multipartLayoutOf(upload)
  const stored = await listParts({ key: upload.objectKey, uploadId: layout.uploadId })
  const parts = stored ?? (clientParts ?? []).map((part) => ({ ...part, size: undefined }))
  const byNumber = new Map(parts.map((part) => [part.partNumber, part]))
  const missing = Array.from({ length: layout.partCount }, (_, index) => index + 1).filter((partNumber) => !byNumber.has(partNumber))
  if (missing.length > 0 || byNumber.size !== layout.partCount) {
    throw new ApiError("upload_incomplete", `Parts ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? "…" : ""} are not in storage yet`)
  }
  for (const part of parts) {
    if (part.size !== undefined && part.size !== partSizeOf(part.partNumber, layout)) {
      await abortMultipartUpload({ key: upload.objectKey, uploadId: layout.uploadId })
      await rejectUpload(upload, `Part ${part.partNumber} has ${part.size} bytes, not ${partSizeOf(part.partNumber, layout)}`)
    }
  }
  return { layout, parts: [...byNumber.values()].sort((a, b) => a.partNumber - b.partNumber) }
}

/**
 * Verifies an upload in storage and records the file (DESIGN §3.5): the callback is never
 * trusted. A single PUT must be in storage with the granted size and type; a multipart upload is
 * completed by the server and then read back the same way. A mismatch deletes the object and
 * records nothing. Completing again returns the same file.
 */
export async function completeUpload(
  uploader: Uploader,
  uploadId: string,
  input: { parts?: { partNumber: number; etag: string }[] },
): Promise<{ file: FileSummary; created: boolean }> {
  const upload = await findOwnUpload(uploader, uploadId)
  if (upload.status === "COMPLETED" && upload.file) return { file: toFileSummary(upload.file), created: false }
  assertOpen(upload)

  // A multipart upload assembled by an earlier call whose recording failed is already an object.
  if (upload.multipartUploadId && !(await headObject(upload.objectKey))) {
    const { layout, parts } = await partsToComplete(upload, input.parts)
    if (!(await completeMultipartUpload({ key: upload.objectKey, uploadId: layout.uploadId, parts }))) {
      throw new ApiError("upload_incomplete", "Storage refused to assemble the parts (one is missing or not what was uploaded)")
    }
  }

  const stored = await headObject(upload.objectKey)
  if (!stored) throw new ApiError("upload_incomplete", "Nothing has been uploaded for this grant yet")
  if (stored.size !== Number(upload.size)) await rejectUpload(upload, `Storage holds ${stored.size} bytes, not the ${upload.size} granted`)
  if (stored.contentType !== upload.contentType) {
    await rejectUpload(upload, `Storage holds type ${stored.contentType ?? "none"}, not the ${upload.contentType} granted`)
  }

  const db = getDb()
  return db.$transaction(async (tx) => {
    // Conditional on PENDING: of two concurrent completions exactly one records the file.
    const { count } = await tx.upload.updateMany({
      where: { id: upload.id, status: "PENDING" },
      data: { status: "COMPLETED", closedAt: new Date() },
    })
    if (count === 0) {
      const existing = await tx.file.findUnique({ where: { uploadId: upload.id } })
      if (!existing) throw new ApiError("upload_not_open", "This upload was closed meanwhile")
      return { file: toFileSummary(existing), created: false }
    }
    const file = await tx.file.create({
      data: {
        ownerId: ownerIdOf(uploader),
        uploadId: upload.id,
        objectKey: upload.objectKey,
        name: upload.fileName,
        contentType: upload.contentType,
        size: upload.size,
        sha256: upload.sha256,
        // Lets reconcile notice an object replaced after completion (a PUT URL outlives the upload).
        etag: stored.etag ?? null,
      },
    })
    const actor = actorOf(uploader)
    // Not a key, but the other half of the grant: who got which bytes recorded, and when.
    await tx.auditEvent.create({
      data: { action: "upload.complete", actorId: actor.id, via: actor.via, objectKey: upload.objectKey, uploadId: upload.id, fileId: file.id },
    })
    await onFileUploaded(tx, file.ownerId, file, isRequestUploader(uploader) ? uploader.request.id : undefined)
    return { file: toFileSummary(file), created: true }
  })
}

/** Removes whatever storage holds for a grant: the multipart parts, or the object of a single PUT. */
async function discardStoredData(upload: { objectKey: string; multipartUploadId: string | null }) {
  if (upload.multipartUploadId) await abortMultipartUpload({ key: upload.objectKey, uploadId: upload.multipartUploadId })
  else await deleteObject(upload.objectKey)
}

/** Cancels an upload and removes partial data. Aborting twice is fine; a completed upload is a 409. */
export async function abortUpload(uploader: Uploader, uploadId: string): Promise<void> {
  const upload = await findOwnUpload(uploader, uploadId)
  if (upload.status === "COMPLETED") throw new ApiError("upload_completed", "This upload is complete; delete the file instead")
  if (upload.status !== "PENDING") return
  await discardStoredData(upload)
  await getDb().upload.updateMany({ where: { id: upload.id, status: "PENDING" }, data: { status: "ABORTED", closedAt: new Date() } })
}

/**
 * Closes uploads that were not completed in time and removes what storage holds for them. Rows
 * are claimed with FOR UPDATE SKIP LOCKED, so any number of instances can reap at once without
 * touching the same upload; a storage failure rolls the claim back for the next run.
 */
export async function reapExpiredUploads(options: { batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 50
  return getDb().$transaction(
    async (tx) => {
      const expired = await tx.$queryRaw<{ id: string; objectKey: string; multipartUploadId: string | null }[]>`
        SELECT "id", "objectKey", "multipartUploadId" FROM "Upload"
        WHERE "status" = 'PENDING' AND "expiresAt" < (now() AT TIME ZONE 'UTC')
        ORDER BY "expiresAt"
        LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED`
      for (const upload of expired) await discardStoredData(upload)
      if (expired.length > 0) {
        await tx.upload.updateMany({
          where: { id: { in: expired.map((upload) => upload.id) } },
          data: { status: "EXPIRED", closedAt: new Date() },
        })
      }
      return expired.length
    },
    { timeout: 120_000 },
  )
}
