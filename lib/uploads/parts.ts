import { recordMintedKeys } from "@/lib/audit"
import { ApiError } from "@/lib/errors"
import { getEnv } from "@/lib/env"
import { listParts, presignPart, type StoredPart } from "@/lib/storage"
import { partSizeOf } from "@/lib/shared/upload-layout"
import { Uploader, actorOf } from "@/lib/uploads/uploader"
import { findOwnUpload, assertOpen, multipartLayoutOf } from "@/lib/uploads/own-upload"

/**
 * Part URLs for an open multipart upload, each signed for one part number and that part's exact
 * length. One call signs a batch (up to MAX_PARTS_PER_SIGNING), recorded as ONE audit row that
 * lists its part numbers: the browser signs ahead, and a row per part made the audit table and
 * the signing cost grow with the file. Can be called again for the same parts: long uploads
 * outlive one URL.
 */
export async function signUploadParts(uploader: Uploader, uploadId: string, partNumbers: number[]) {
  const upload = await findOwnUpload(uploader, uploadId)
  assertOpen(upload)
  const layout = multipartLayoutOf(upload)
  const outOfRange = partNumbers.filter((partNumber) => partNumber < 1 || partNumber > layout.partCount)
  if (outOfRange.length > 0) {
    throw new ApiError(
      "invalid_part_number",
      `This upload has parts 1 to ${layout.partCount}; ${outOfRange.slice(0, 10).join(", ")} ${outOfRange.length === 1 ? "is" : "are"} out of range`,
    )
  }
  // A part URL never outlives the upload it belongs to.
  const expiresIn = Math.min(
    getEnv().PART_URL_TTL_SECONDS,
    Math.floor((upload.expiresAt.getTime() - Date.now()) / 1000),
  )
  const parts = await Promise.all(
    partNumbers.map(async (partNumber) => {
      const size = partSizeOf(partNumber, layout)
      const signed = await presignPart({
        key: upload.objectKey,
        uploadId: layout.uploadId,
        partNumber,
        size,
        expiresIn,
      })
      return { partNumber, size, url: signed.url, expiresAt: signed.expiresAt }
    }),
  )
  // The batch's keys die together (signed within the same moment); the row keeps the last expiry.
  const expiresAt = new Date(Math.max(...parts.map((part) => part.expiresAt.getTime())))
  await recordMintedKeys(actorOf(uploader), [
    {
      action: "upload.part",
      method: "PUT",
      objectKey: upload.objectKey,
      expiresAt,
      uploadId: upload.id,
      details: { partNumbers },
    },
  ])
  return parts
}

/** Parts storage already holds (to resume after a reload), or null where storage cannot list them. */
export async function listUploadedParts(uploader: Uploader, uploadId: string): Promise<StoredPart[] | null> {
  const upload = await findOwnUpload(uploader, uploadId)
  assertOpen(upload)
  const layout = multipartLayoutOf(upload)
  const parts = await listParts({ key: upload.objectKey, uploadId: layout.uploadId })
  return parts && parts.filter((part) => !part.committed)
}
