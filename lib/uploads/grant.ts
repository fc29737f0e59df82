import { randomUUID } from "node:crypto"
import { apiTokenOwnerHint, invalidToken, LAST_USED_PRECISION_SECONDS } from "@/lib/api-tokens"
import type { AuthUser } from "@/lib/auth"
import { recordMintedKeys } from "@/lib/audit"
import { getDb, queryPrepared } from "@/lib/db"
import { ApiError, notFound } from "@/lib/errors"
import { getEnv } from "@/lib/env"
import type { Prisma } from "@/lib/generated/prisma/client"
import type { UncheckedToken } from "@/lib/route"
import { createMultipartUpload, presignPut, presignPutToHandOut, storageBackend } from "@/lib/storage"
import { formatBytes, partLayout } from "@/lib/shared/upload-layout"
import type { UploadRequest } from "@/lib/shared/validations/uploads"
import {
  SINGLE_UPLOAD_GRACE_SECONDS,
  UploadGrant,
  Uploader,
  RequestUploader,
  isRequestUploader,
  ownerIdOf,
  actorOf,
  objectKeyFor,
} from "@/lib/uploads/uploader"
import {
  lockOwnerQuota,
  quotaExceeded,
  assertQuotaRoom,
  admitUpload,
  ownerUploadRateRule,
  uploadRateLimited,
} from "@/lib/uploads/quota"

/** The answer to a single-PUT grant: its id and the one key that puts the bytes. */
const singlePutGrant = (
  id: string,
  put: { url: string; headers: Record<string, string>; expiresAt: Date },
): UploadGrant => ({
  id,
  multipart: false,
  method: "PUT",
  url: put.url,
  headers: put.headers,
  expiresAt: put.expiresAt,
  storage: storageBackend(),
})

/**
 * The common grant, an account owner's single PUT, in one database round trip: the SQL function
 * takes the owner's lock, checks the quota and records the Upload row and the key's audit row in
 * one implicit transaction. The URL is signed first (CPU only, no I/O) so that the audit row holds
 * its real expiry, and leaves this process only once both rows are committed; a refused grant's
 * signature is dropped unseen.
 */
export async function grantSingleUpload(
  user: AuthUser,
  input: UploadRequest,
  grant: { id: string; objectKey: string; expiresAt: Date },
): Promise<UploadGrant> {
  const env = getEnv()
  const { key: put, handOut } = await presignPutToHandOut({
    key: grant.objectKey,
    contentType: input.type,
    size: input.size,
    sha256: input.sha256,
  })
  const [result] = await getDb().$queryRaw<{ granted: boolean; used: bigint; quota: bigint | null }[]>`
    SELECT granted, used, quota FROM valet_grant_single_upload(
      ${grant.id}, ${user.id}, ${grant.objectKey}, ${input.name}, ${input.type}, ${BigInt(input.size)}, ${input.sha256 ?? null},
      ${grant.expiresAt}::timestamp(3), ${BigInt(env.USER_QUOTA_BYTES)}, ${randomUUID()}, ${user.via}, ${put.expiresAt}::timestamp(3))`
  if (!result || result.quota === null) throw notFound("Account")
  if (!result.granted) throw quotaExceeded(input.size, Number(result.used), Number(result.quota))
  handOut()
  return singlePutGrant(grant.id, put)
}

/**
 * A grant for an API-token caller whose token route() left unchecked (routeWithUncheckedToken):
 * a single PUT in one database round trip. The key is signed under the prefix of the owner this
 * process last saw the token authenticate as (apiTokenOwnerHint: a token never changes owner);
 * then one statement checks the token, touches its lastUsedAt, charges the owner's grant rate
 * limit and grants as grantSingleUpload does, in the order and with the answers of those separate
 * steps. The URL leaves only if all of it passed and the rows are committed. A token not seen here
 * yet, a file that needs multipart or exceeds the size cap, or a token of another owner after all
 * takes the usual way: the token is checked on its own, then grantUpload.
 */
export async function grantUploadForToken(token: UncheckedToken, input: UploadRequest): Promise<UploadGrant> {
  const env = getEnv()
  const hint = apiTokenOwnerHint(token.secret)
  const single = input.size <= env.MULTIPART_THRESHOLD_BYTES && input.size <= env.MAX_FILE_SIZE_BYTES
  if (!hint || !single) return grantUpload(await token.check(), input)
  const id = randomUUID()
  const objectKey = objectKeyFor(hint.ownerId, id)
  const expiresAt = new Date(Date.now() + 1000 * (env.UPLOAD_URL_TTL_SECONDS + SINGLE_UPLOAD_GRACE_SECONDS))
  const { key: put, handOut } = await presignPutToHandOut({
    key: objectKey,
    contentType: input.type,
    size: input.size,
    sha256: input.sha256,
  })
  const rate = ownerUploadRateRule(hint.ownerId)
  const { rows } = await queryPrepared<{
    outcome: string
    used: number | null
    quota: number | null
    retryAfterSeconds: number | null
  }>({
    name: "valet_grant_single_upload_by_token",
    text: `SELECT outcome, used::float8 AS used, quota::float8 AS quota, "retryAfterSeconds"
           FROM valet_grant_single_upload_by_token($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
             ($13::timestamptz AT TIME ZONE 'UTC')::timestamp(3), $14, $15, ($16::timestamptz AT TIME ZONE 'UTC')::timestamp(3))`,
    values: [
      hint.tokenHash,
      hint.ownerId,
      LAST_USED_PRECISION_SECONDS,
      rate.key,
      rate.limit,
      rate.windowSeconds,
      id,
      objectKey,
      input.name,
      input.type,
      input.size,
      input.sha256 ?? null,
      expiresAt.toISOString(),
      env.USER_QUOTA_BYTES,
      randomUUID(),
      put.expiresAt.toISOString(),
    ],
  })
  const row = rows[0]
  switch (row?.outcome) {
    case "granted":
      handOut()
      return singlePutGrant(id, put)
    case "invalid_token":
      throw invalidToken()
    case "other_owner":
      return grantUpload(await token.check(), input)
    case "rate_limited":
      throw uploadRateLimited(row.retryAfterSeconds ?? 1)
    case "quota_exceeded":
      throw quotaExceeded(input.size, row.used ?? 0, row.quota ?? 0)
    case "no_account":
      throw notFound("Account")
    default:
      throw new Error(`valet_grant_single_upload_by_token answered ${String(row?.outcome)}`)
  }
}

/**
 * Many single PUTs of one account owner in one database round trip (POST /api/uploads with an
 * array): every URL is signed first (CPU only), then one SQL call locks the owner once, admits
 * the items in order while they fit the quota, and records an Upload row and an audit row for
 * each admitted one. Answers, per input, its grant or the error that refused it.
 */
export async function grantSingleUploads(user: AuthUser, inputs: UploadRequest[]): Promise<(UploadGrant | ApiError)[]> {
  if (inputs.length === 0) return []
  const env = getEnv()
  const expiresAt = new Date(Date.now() + 1000 * (env.UPLOAD_URL_TTL_SECONDS + SINGLE_UPLOAD_GRACE_SECONDS))
  const signed = await Promise.all(
    inputs.map(async (input) => {
      const id = randomUUID()
      const objectKey = objectKeyFor(user.id, id)
      const { key: put, handOut } = await presignPutToHandOut({
        key: objectKey,
        contentType: input.type,
        size: input.size,
        sha256: input.sha256,
      })
      return { id, objectKey, input, put, handOut }
    }),
  )
  const rows = await getDb().$queryRaw<{ idx: number; granted: boolean; used: bigint; quota: bigint | null }[]>`
    SELECT idx, granted, used, quota FROM valet_grant_single_uploads(
      ${user.id}, ${BigInt(env.USER_QUOTA_BYTES)}, ${user.via}, ${expiresAt}::timestamp(3),
      ${signed.map((item) => item.id)}::text[],
      ${signed.map((item) => item.objectKey)}::text[],
      ${signed.map((item) => item.input.name)}::text[],
      ${signed.map((item) => item.input.type)}::text[],
      ${signed.map((item) => String(item.input.size))}::bigint[],
      ${signed.map((item) => item.input.sha256 ?? null)}::text[],
      ${signed.map(() => randomUUID())}::text[],
      ${signed.map((item) => item.put.expiresAt.toISOString())}::timestamp(3)[])`
  const byIndex = new Map(rows.map((row) => [Number(row.idx), row]))
  return signed.map((item, index): UploadGrant | ApiError => {
    const row = byIndex.get(index + 1)
    if (!row || row.quota === null) return notFound("Account")
    if (!row.granted) return quotaExceeded(item.input.size, Number(row.used), Number(row.quota))
    item.handOut()
    return singlePutGrant(item.id, item.put)
  })
}

/** Whether a media type is among a request's allowed ones ("image/*" matches any image). */
export function isTypeAllowed(type: string, allowedTypes: string[]): boolean {
  if (allowedTypes.length === 0) return true
  const bare = type.split(";")[0]?.trim().toLowerCase() ?? ""
  return allowedTypes.some((allowed) =>
    allowed.endsWith("/*") ? bare.startsWith(allowed.slice(0, -1)) : bare === allowed,
  )
}

/**
 * An upload request's limits, checked under a lock on the request: files and bytes already sent
 * or in flight count, so concurrent grants cannot exceed the count or the total.
 */
export async function assertRequestHasRoom(
  tx: Prisma.TransactionClient,
  request: RequestUploader["request"],
  input: UploadRequest,
) {
  const { limits } = request
  if (!isTypeAllowed(input.type, limits.allowedTypes)) {
    throw new ApiError("type_not_allowed", `This link accepts ${limits.allowedTypes.join(", ")} only`)
  }
  if (input.size > limits.maxFileSize) {
    throw new ApiError("file_too_large", `This link accepts files up to ${formatBytes(limits.maxFileSize)}`)
  }
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`upload-request:${request.id}`}, 0))`
  // Read again under the lock: a request closed a moment ago takes no more files.
  const current = await tx.uploadRequest.findUnique({
    where: { id: request.id },
    select: { closedAt: true, expiresAt: true },
  })
  if (!current || current.closedAt || (current.expiresAt && current.expiresAt <= new Date())) {
    throw new ApiError("request_closed", "This upload link is closed")
  }
  const sent = await tx.upload.aggregate({
    where: { uploadRequestId: request.id, status: { in: ["PENDING", "COMPLETED"] } },
    _count: true,
    _sum: { size: true },
  })
  if (sent._count >= limits.maxFiles) {
    throw new ApiError(
      "request_full",
      `This link takes ${limits.maxFiles} file${limits.maxFiles === 1 ? "" : "s"} and has them all`,
    )
  }
  if (Number(sent._sum.size ?? 0n) + input.size > limits.maxTotalSize) {
    throw new ApiError(
      "request_total_exceeded",
      `This link takes ${formatBytes(limits.maxTotalSize)} in total; this file does not fit`,
    )
  }
}

/**
 * Grants an upload: size, rate and quota are checked before any key exists (DESIGN §3.8); then
 * the Upload row, the multipart upload in storage if the file is big, and for a small file one
 * presigned PUT with Content-Type, Content-Length (and the SHA-256 if given) signed in.
 */
export async function grantUpload(uploader: Uploader, input: UploadRequest): Promise<UploadGrant> {
  await admitUpload(uploader, input.size)
  return grantAdmittedUpload(uploader, input)
}

/** The grant after the size cap and rate limit were passed (a batch charges its rate limit once). */
export async function grantAdmittedUpload(uploader: Uploader, input: UploadRequest): Promise<UploadGrant> {
  const env = getEnv()
  const ownerId = ownerIdOf(uploader)
  const id = randomUUID()
  // Keys stay under the owner's prefix whoever sends the bytes.
  const objectKey = objectKeyFor(ownerId, id)
  const isMultipart = input.size > env.MULTIPART_THRESHOLD_BYTES
  const layout = isMultipart ? partLayout(input.size, env.MULTIPART_PART_SIZE_BYTES) : undefined
  const expiresAt = new Date(
    Date.now() +
      1000 *
        (isMultipart ? env.MULTIPART_UPLOAD_WINDOW_SECONDS : env.UPLOAD_URL_TTL_SECONDS + SINGLE_UPLOAD_GRACE_SECONDS),
  )

  if (!isMultipart && !isRequestUploader(uploader))
    return grantSingleUpload(uploader, input, { id, objectKey, expiresAt })

  return getDb().$transaction(
    async (tx) => {
      await lockOwnerQuota(tx, ownerId)
      // Taken after the owner's lock, always in that order, so grants cannot deadlock.
      if (isRequestUploader(uploader)) await assertRequestHasRoom(tx, uploader.request, input)
      await assertQuotaRoom(tx, ownerId, input.size)
      // Created inside the transaction: if storage refuses, no row is left behind.
      const multipartUploadId = isMultipart
        ? await createMultipartUpload({ key: objectKey, contentType: input.type })
        : null
      // Signed before the row is written so the row records when its key dies (CPU only, no I/O).
      const put = isMultipart
        ? null
        : await presignPut({ key: objectKey, contentType: input.type, size: input.size, sha256: input.sha256 })
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
          // Part URLs are capped to the multipart window, so no key of this upload outlives it.
          keysExpireAt: put?.expiresAt ?? expiresAt,
        },
      })
      if (layout) return { id, multipart: true as const, ...layout, expiresAt, storage: storageBackend() }
      if (!put) throw new Error("a single-PUT grant without its PUT URL")

      await recordMintedKeys(
        actorOf(uploader),
        [{ action: "upload.put", method: "PUT", objectKey, expiresAt: put.expiresAt, uploadId: id }],
        tx,
      )
      return singlePutGrant(id, put)
    },
    // Under load a grant may wait a while for a pooled connection; that is a queue, not a failure.
    { maxWait: 15_000, timeout: 30_000 },
  )
}
