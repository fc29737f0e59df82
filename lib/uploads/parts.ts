import { recordMintedKeys } from "@/lib/audit"
import { ApiError } from "@/lib/errors"
import { getEnv } from "@/lib/env"
import { listParts, presignPart, type StoredPart } from "@/lib/storage"
import { partSizeOf } from "@/lib/shared/upload-layout"
import { Uploader, actorOf } from "@/lib/uploads/uploader"
import { findOwnUpload, assertOpen, multipartLayoutOf } from "@/lib/uploads/own-upload"

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
    throw new ApiError(
      "invalid_part_number",
      `This upload has parts 1 to ${layout.partCount}; ${outOfRange.join(", ")} is out of range`,
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
  const parts = await listParts({ key: upload.objectKey, uploadId: layout.uploadId })
  return parts && parts.filter((part) => !part.committed)
}
