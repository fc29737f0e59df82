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

// The owner's row is the quota lock: a grant locks it, reads the usage counters on it and records
// the upload, whose trigger moves the counters under the same lock (prisma/migrations/…_usage_counters).
// Two concurrent grants therefore cannot both fit into the last free gigabyte. FOR NO KEY UPDATE,
// so rows that merely reference the user (audit, tokens) are not held up.
export const lockOwnerQuota = (tx: Prisma.TransactionClient, userId: string) =>
  tx.$executeRaw`SELECT 1 FROM "User" WHERE id = ${userId} FOR NO KEY UPDATE`

/** Bytes a user holds or has been granted: stored files plus uploads still in flight (two counters, O(1)). */
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
  const account = await tx.user.findUniqueOrThrow({
    where: { id: ownerId },
    select: { quotaBytes: true, usedBytes: true, reservedBytes: true },
  })
  const quota = account.quotaBytes === null ? getEnv().USER_QUOTA_BYTES : Number(account.quotaBytes)
  const used = Number(account.usedBytes + account.reservedBytes)
  if (used + size > quota) throw quotaExceeded(size, used, quota)
}

/** The server's size cap for one file (DESIGN §3.8). */
export function assertFileSize(size: number): void {
  const max = getEnv().MAX_FILE_SIZE_BYTES
  if (size > max) {
    throw new ApiError("file_too_large", `Files may be at most ${formatBytes(max)}; this one is ${formatBytes(size)}`)
  }
}

/** An account owner's grant rate limit (their own grants, by session or token). */
export const ownerUploadRateRule = (ownerId: string) => ({ key: `upload:user:${ownerId}`, ...uploadGrantLimit() })

/** The rate-limit rule an uploader's grants count against. */
export const uploadRateRule = (uploader: Uploader) =>
  isRequestUploader(uploader)
    ? {
        key: `upload-request:${uploader.request.id}:ip:${uploader.ip}`,
        ...uploadRequestGrantLimit(uploader.request.limits.maxFiles),
      }
    : ownerUploadRateRule(ownerIdOf(uploader))

export const uploadRateLimited = (retryAfterSeconds: number) =>
  new ApiError("rate_limited", `Too many uploads started; try again in ${retryAfterSeconds} seconds`, {
    "Retry-After": String(retryAfterSeconds),
  })

/** Charges `count` grants to the uploader's rate limit in one statement; a 429 when over it. */
export async function consumeUploadRate(uploader: Uploader, count = 1): Promise<void> {
  const rate = await consumeRateLimit(uploadRateRule(uploader), count)
  if (!rate.allowed) throw uploadRateLimited(rate.retryAfterSeconds)
}

/** What every upload passes before anything is recorded: the size cap and the uploader's rate limit (DESIGN §3.8). */
export async function admitUpload(uploader: Uploader, size: number): Promise<void> {
  assertFileSize(size)
  await consumeUploadRate(uploader)
}
