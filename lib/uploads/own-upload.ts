import { getDb } from "@/lib/db"
import { ApiError, notFound } from "@/lib/errors"
import { isResourceId } from "@/lib/shared/validations/text"
import { Uploader, scopeOf } from "@/lib/uploads/uploader"

export const UPLOAD_SELECT = {
  id: true,
  objectKey: true,
  fileName: true,
  contentType: true,
  size: true,
  sha256: true,
  multipartUploadId: true,
  partSize: true,
  partCount: true,
  snapshotId: true,
  status: true,
  expiresAt: true,
  keysExpireAt: true,
  file: { select: { id: true, name: true, size: true, contentType: true, createdAt: true } },
} as const

/** The caller's upload; anyone else's is indistinguishable from a missing one (404). */
export async function findOwnUpload(uploader: Uploader, uploadId: string) {
  if (!isResourceId(uploadId)) throw notFound("Upload")
  const upload = await getDb().upload.findFirst({
    where: { id: uploadId, ...scopeOf(uploader) },
    select: UPLOAD_SELECT,
  })
  if (!upload) throw notFound("Upload")
  return upload
}

/** Several of the caller's uploads in one query, by id; ids that are not the caller's are absent. */
export async function findOwnUploads(uploader: Uploader, uploadIds: string[]): Promise<Map<string, OwnUpload>> {
  const ids = uploadIds.filter(isResourceId)
  if (ids.length === 0) return new Map()
  const uploads = await getDb().upload.findMany({
    where: { id: { in: ids }, ...scopeOf(uploader) },
    select: UPLOAD_SELECT,
  })
  return new Map(uploads.map((upload) => [upload.id, upload]))
}

export type OwnUpload = Awaited<ReturnType<typeof findOwnUpload>>

export function assertOpen(upload: OwnUpload) {
  if (upload.status !== "PENDING")
    throw new ApiError("upload_not_open", `This upload is ${upload.status.toLowerCase()}`)
  if (upload.expiresAt <= new Date()) throw new ApiError("upload_not_open", "This upload expired; start it again")
}

export function multipartLayoutOf(upload: OwnUpload) {
  if (!upload.multipartUploadId || !upload.partSize || !upload.partCount) {
    throw new ApiError("not_multipart", "This upload is a single PUT; it has no parts")
  }
  return {
    uploadId: upload.multipartUploadId,
    size: Number(upload.size),
    partSize: upload.partSize,
    partCount: upload.partCount,
  }
}
