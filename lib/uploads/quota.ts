import { ApiError } from "@/lib/errors"
import { getEnv } from "@/lib/env"
import type { Prisma } from "@/lib/generated/prisma/client"
import { consumeRateLimit } from "@/lib/rate-limit"
import { formatBytes } from "@/lib/shared/upload-layout"
import {
  uploadGrantLimit,
  uploadRequestGrantLimit,
  Uploader,
  isRequestUploader,
  ownerIdOf,
} from "@/lib/uploads/uploader"

// One advisory lock per user while checking the quota and recording the grant: two concurrent
// grants cannot both fit into the last free gigabyte. The SQL function valet_grant_single_upload
// (prisma/migrations/…_grant_in_one_round_trip) takes the same lock.
export const lockOwnerQuota = (tx: Prisma.TransactionClient, userId: string) =>
  tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`quota:${userId}`}, 0))`

/** Bytes a user holds or has been granted: stored files plus uploads still in flight (one SQL definition). */
export async function bytesInUse(tx: Prisma.TransactionClient, userId: string): Promise<number> {
  const [row] = await tx.$queryRaw<{ used: bigint }[]>`SELECT valet_bytes_in_use(${userId}) AS used`
  return Number(row?.used ?? 0n)
}

export const quotaExceeded = (size: number, used: number, quota: number) =>
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
    throw new ApiError(
      "file_too_large",
      `Files may be at most ${formatBytes(env.MAX_FILE_SIZE_BYTES)}; this one is ${formatBytes(size)}`,
    )
  }
  const rate = await consumeRateLimit(
    isRequestUploader(uploader)
      ? {
          key: `upload-request:${uploader.request.id}:ip:${uploader.ip}`,
          ...uploadRequestGrantLimit(uploader.request.limits.maxFiles),
        }
      : { key: `upload:user:${ownerIdOf(uploader)}`, ...uploadGrantLimit(env) },
  )
  if (!rate.allowed) {
    throw new ApiError("rate_limited", `Too many uploads started; try again in ${rate.retryAfterSeconds} seconds`, {
      "Retry-After": String(rate.retryAfterSeconds),
    })
  }
}
