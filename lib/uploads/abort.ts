import { getDb } from "@/lib/db"
import { getEnv } from "@/lib/env"
import { ApiError } from "@/lib/errors"
import { abortMultipartUpload, deleteObject } from "@/lib/storage"
import { Uploader } from "@/lib/uploads/uploader"
import { findOwnUpload } from "@/lib/uploads/own-upload"

/** Removes whatever storage holds for a grant: the multipart parts, or the object of a single PUT. */
export async function discardStoredData(upload: { objectKey: string; multipartUploadId: string | null }) {
  if (upload.multipartUploadId)
    await abortMultipartUpload({ key: upload.objectKey, uploadId: upload.multipartUploadId })
  else await deleteObject(upload.objectKey)
}

/**
 * Closes a pending upload without a file. Its key may still work until keysExpireAt, so the row is
 * marked due for a sweep then (DESIGN §3.12): whatever the key writes meanwhile is deleted.
 */
export async function closeWithoutFile(upload: { id: string; keysExpireAt: Date }, status: "ABORTED" | "REJECTED") {
  await getDb().upload.updateMany({
    where: { id: upload.id, status: "PENDING" },
    data: { status, closedAt: new Date(), sweepDueAt: upload.keysExpireAt },
  })
}

/** Cancels an upload and removes partial data. Aborting twice is fine; a completed upload is a 409. */
export async function abortUpload(uploader: Uploader, uploadId: string): Promise<void> {
  const upload = await findOwnUpload(uploader, uploadId)
  if (upload.status === "COMPLETED")
    throw new ApiError("upload_completed", "This upload is complete; delete the file instead")
  if (upload.status !== "PENDING") return
  await discardStoredData(upload)
  await closeWithoutFile(upload, "ABORTED")
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
        // Due for a sweep too: a single PUT's key may still work until keysExpireAt.
        await tx.$executeRaw`
          UPDATE "Upload" SET "status" = 'EXPIRED', "closedAt" = now() AT TIME ZONE 'UTC', "sweepDueAt" = "keysExpireAt"
          WHERE "id" = ANY(${expired.map((upload) => upload.id)}::text[])`
      }
      return expired.length
    },
    { timeout: 120_000 },
  )
}

/**
 * Deletes whatever a still-valid key wrote after its upload closed without a file or its file was
 * deleted (DESIGN §3.12), once the key has expired and an in-flight body has had time to land
 * (UPLOAD_SWEEP_GRACE_SECONDS). Each row is claimed with FOR UPDATE SKIP LOCKED and marked swept
 * in the same transaction, so any number of reapers sweep each upload exactly once; a storage
 * failure rolls the claim back for the next run. A row that holds a file is never swept.
 */
export async function sweepClosedUploads(options: { batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 50
  const graceSeconds = getEnv().UPLOAD_SWEEP_GRACE_SECONDS
  return getDb().$transaction(
    async (tx) => {
      const due = await tx.$queryRaw<{ id: string; objectKey: string; multipartUploadId: string | null }[]>`
        SELECT u."id", u."objectKey", u."multipartUploadId" FROM "Upload" u
        WHERE u."sweepDueAt" < (now() AT TIME ZONE 'UTC') - make_interval(secs => ${graceSeconds})
          AND u."status" <> 'PENDING'
          AND NOT EXISTS (SELECT 1 FROM "File" f WHERE f."uploadId" = u."id")
        ORDER BY u."sweepDueAt"
        LIMIT ${batchSize}
        FOR UPDATE OF u SKIP LOCKED`
      for (const upload of due) {
        // Both: a multipart upload's id may still hold parts, and any key may have left an object.
        if (upload.multipartUploadId)
          await abortMultipartUpload({ key: upload.objectKey, uploadId: upload.multipartUploadId })
        await deleteObject(upload.objectKey)
      }
      if (due.length > 0) {
        await tx.$executeRaw`
          UPDATE "Upload" SET "sweepDueAt" = NULL, "sweptAt" = now() AT TIME ZONE 'UTC'
          WHERE "id" = ANY(${due.map((upload) => upload.id)}::text[])`
      }
      return due.length
    },
    { timeout: 120_000 },
  )
}
