import { getDb } from "@/lib/db"
import { ApiError } from "@/lib/errors"
import { abortMultipartUpload, deleteObject } from "@/lib/storage"
import { Uploader } from "@/lib/uploads/uploader"
import { findOwnUpload } from "@/lib/uploads/own-upload"

/** Removes whatever storage holds for a grant: the multipart parts, or the object of a single PUT. */
export async function discardStoredData(upload: { objectKey: string; multipartUploadId: string | null }) {
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
