import { randomUUID } from "node:crypto"
import type { AuthUser } from "@/lib/auth"
import type { Prisma } from "@/lib/generated/prisma/client"
import { getDb } from "@/lib/db"
import { onFileUploaded } from "@/lib/notifications"
import { ApiError } from "@/lib/errors"
import { countCompletion } from "@/lib/metrics"
import {
  abortMultipartUpload,
  completeMultipartUpload,
  deleteObject,
  headObject,
  listParts,
  sealObject,
  storagePinsVersions,
} from "@/lib/storage"
import { partSizeOf } from "@/lib/shared/upload-layout"
import { FileSummary, Uploader, ownerIdOf, actorOf, isRequestUploader } from "@/lib/uploads/uploader"
import { findOwnUpload, OwnUpload, assertOpen, multipartLayoutOf } from "@/lib/uploads/own-upload"
import { closeWithoutFile } from "@/lib/uploads/abort"

export const toFileSummary = (file: {
  id: string
  name: string
  size: bigint
  contentType: string
  createdAt: Date
}): FileSummary => ({
  id: file.id,
  name: file.name,
  size: Number(file.size),
  type: file.contentType,
  createdAt: file.createdAt,
})

/** Deletes what storage holds for a grant that turned out wrong, and closes it as REJECTED. */
export async function rejectUpload(upload: OwnUpload, reason: string): Promise<never> {
  await deleteObject(upload.objectKey)
  await closeWithoutFile(upload, "REJECTED")
  throw new ApiError("upload_mismatch", `${reason}; the upload was discarded`)
}

/** Which parts a multipart completion will use: storage's own list where it has one. */
export async function partsToComplete(
  upload: OwnUpload,
  clientParts: { partNumber: number; etag: string }[] | undefined,
) {
  const layout = multipartLayoutOf(upload)
  const stored = await listParts({ key: upload.objectKey, uploadId: layout.uploadId })
  // Azure: a part key (`w`) can commit a block list of its own; only the server assembles.
  if (stored?.some((part) => part.committed)) {
    await abortMultipartUpload({ key: upload.objectKey, uploadId: layout.uploadId })
    await rejectUpload(upload, "The upload was committed by the client, not assembled by Valet")
  }
  const parts = stored ?? (clientParts ?? []).map((part) => ({ ...part, size: undefined }))
  const byNumber = new Map(parts.map((part) => [part.partNumber, part]))
  const missing = Array.from({ length: layout.partCount }, (_, index) => index + 1).filter(
    (partNumber) => !byNumber.has(partNumber),
  )
  if (missing.length > 0 || byNumber.size !== layout.partCount) {
    throw new ApiError(
      "upload_incomplete",
      `Parts ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? "…" : ""} are not in storage yet`,
    )
  }
  for (const part of parts) {
    if (part.size !== undefined && part.size !== partSizeOf(part.partNumber, layout)) {
      await abortMultipartUpload({ key: upload.objectKey, uploadId: layout.uploadId })
      await rejectUpload(
        upload,
        `Part ${part.partNumber} has ${part.size} bytes, not ${partSizeOf(part.partNumber, layout)}`,
      )
    }
  }
  return { layout, parts: [...byNumber.values()].sort((a, b) => a.partNumber - b.partNumber) }
}

/**
 * Assembles a multipart upload from storage's own part list, then pins the object (Azure: a
 * snapshot, recorded on the upload before any check; S3: nothing) and answers the pinned version.
 * On S3 a multipart upload assembled by an earlier call whose recording failed is already an
 * object; on Azure such a call recorded its snapshot, and a blob without one is not Valet's.
 */
/**
 * Assembles a multipart upload (unless storage already holds its object) and pins the version
 * completion verifies. `db` records the pinned version: on Azure the caller's own transaction, the
 * one that holds the upload's lock, so a completion never waits for a second pool connection while
 * it holds one (concurrent completions of the same uploads could otherwise take the whole pool).
 */
async function assembleAndSeal(
  upload: OwnUpload,
  clientParts: { partNumber: number; etag: string }[] | undefined,
  db: Pick<Prisma.TransactionClient, "upload"> = getDb(),
) {
  if (upload.multipartUploadId && (storagePinsVersions() || !(await headObject(upload.objectKey)))) {
    const { layout, parts } = await partsToComplete(upload, clientParts)
    const partSizes = Array.from({ length: layout.partCount }, (_, index) => partSizeOf(index + 1, layout))
    const assembled = await completeMultipartUpload({
      key: upload.objectKey,
      uploadId: layout.uploadId,
      parts,
      contentType: upload.contentType,
      partSizes,
    })
    if (typeof assembled === "object") await rejectUpload(upload, assembled.mismatch)
    if (!assembled) {
      throw new ApiError(
        "upload_incomplete",
        "Storage refused to assemble the parts (one is missing or not what was uploaded)",
      )
    }
  }
  const version = await sealObject(upload.objectKey)
  if (version)
    await db.upload.updateMany({ where: { id: upload.id, status: "PENDING" }, data: { snapshotId: version } })
  return version
}

/**
 * Verifies an upload in storage and records the file (DESIGN §3.5): the callback is never
 * trusted. A single PUT must be in storage with the granted size and type; a multipart upload is
 * completed by the server and then read back the same way. A mismatch deletes the object and
 * records nothing. Completing again returns the same file.
 */
export function completeUpload(
  uploader: Uploader,
  uploadId: string,
  input: { parts?: { partNumber: number; etag: string }[] },
): Promise<{ file: FileSummary; created: boolean }> {
  return countCompletion(verifyAndRecord(uploader, uploadId, input))
}

async function verifyAndRecord(
  uploader: Uploader,
  uploadId: string,
  input: { parts?: { partNumber: number; etag: string }[] },
): Promise<{ file: FileSummary; created: boolean }> {
  return completeFoundUpload(uploader, await findOwnUpload(uploader, uploadId), input)
}

/** completeUpload for an upload already looked up in the uploader's scope (a batch loads them in one query). */
export async function completeFoundUpload(
  uploader: Uploader,
  upload: OwnUpload,
  input: { parts?: { partNumber: number; etag: string }[] },
): Promise<{ file: FileSummary; created: boolean }> {
  if (upload.status === "COMPLETED" && upload.file) return { file: toFileSummary(upload.file), created: false }
  return recordVerifiedUpload(uploader, upload, await verifyFoundUpload(upload, input))
}

/** What completion found in storage for an upload, checked against its grant: what recording it needs. */
export type VerifiedObject = { version: string | null; etag: string | null }

/**
 * The checks of completeUpload before anything is recorded: the upload is open, its object is in
 * storage (a multipart upload assembled first) with the granted size and type. A mismatch deletes
 * the object, closes the upload as REJECTED and throws.
 */
export async function verifyFoundUpload(
  upload: OwnUpload,
  input: { parts?: { partNumber: number; etag: string }[] },
): Promise<VerifiedObject> {
  assertOpen(upload)

  // A version pinned by an earlier call whose recording failed is what this call verifies again.
  let version = upload.snapshotId
  if (!version) {
    version = storagePinsVersions()
      ? await getDb().$transaction(
          async (tx) => {
            // One completion at a time per upload on Azure: a second one's conditional commit would
            // fail on the first one's blob and discard it. (An advisory lock, not a row lock: a
            // rejection updates the row from another connection.)
            await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`complete:${upload.id}`}, 0))`
            const [row] = await tx.$queryRaw<
              { snapshotId: string | null }[]
            >`SELECT "snapshotId" FROM "Upload" WHERE id = ${upload.id}`
            return row?.snapshotId ?? (await assembleAndSeal(upload, input.parts, tx))
          },
          { maxWait: 15_000, timeout: 120_000 },
        )
      : await assembleAndSeal(upload, input.parts)
  }

  const stored = await headObject(upload.objectKey, { version })
  if (!stored) throw new ApiError("upload_incomplete", "Nothing has been uploaded for this grant yet")
  if (stored.problem) await rejectUpload(upload, stored.problem)
  if (stored.size !== Number(upload.size))
    await rejectUpload(upload, `Storage holds ${stored.size} bytes, not the ${upload.size} granted`)
  if (stored.contentType !== upload.contentType) {
    await rejectUpload(
      upload,
      `Storage holds type ${stored.contentType ?? "none"}, not the ${upload.contentType} granted`,
    )
  }

  return { version, etag: stored.etag ?? null }
}

/** Records a verified upload as a file, in its own transaction with its audit row and notifications. */
export async function recordVerifiedUpload(
  uploader: Uploader,
  upload: OwnUpload,
  verified: VerifiedObject,
): Promise<{ file: FileSummary; created: boolean }> {
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
        etag: verified.etag,
        snapshotId: verified.version,
      },
    })
    const actor = actorOf(uploader)
    // Not a key, but the other half of the grant: who got which bytes recorded, and when.
    await tx.auditEvent.create({
      data: {
        action: "upload.complete",
        actorId: actor.id,
        via: actor.via,
        objectKey: upload.objectKey,
        uploadId: upload.id,
        fileId: file.id,
      },
    })
    await onFileUploaded(tx, file.ownerId, file, isRequestUploader(uploader) ? uploader.request.id : undefined)
    return { file: toFileSummary(file), created: true }
  })
}

/**
 * Records many verified single uploads of one account as files in one statement, for a batch
 * completion: for each upload still PENDING the row closes as COMPLETED and its File and its
 * `upload.complete` audit row are inserted, the rows recordVerifiedUpload writes one transaction at
 * a time (the usage counters move by the same triggers). An upload closed or completed meanwhile is
 * left out of the answer, and the caller records it one at a time, which says what became of it.
 * Only where nothing else must be written with each file: the account's own uploads (not through an
 * upload request) and no live `file.uploaded` webhook (see hasLiveWebhook); the caller checks.
 */
export async function recordVerifiedUploadsAtOnce(
  user: AuthUser,
  items: { upload: OwnUpload; object: VerifiedObject }[],
): Promise<Map<string, FileSummary>> {
  if (items.length === 0) return new Map()
  const rows = await getDb().$queryRaw<
    { id: string; uploadId: string; name: string; size: bigint; contentType: string; createdAt: Date }[]
  >`
    WITH item AS (
      SELECT * FROM unnest(
        ${items.map((item) => item.upload.id)}::text[],
        ${items.map(() => randomUUID())}::text[],
        ${items.map(() => randomUUID())}::text[],
        ${items.map((item) => item.object.etag)}::text[],
        ${items.map((item) => item.object.version)}::text[]
      ) AS item(upload_id, file_id, audit_id, etag, snapshot_id)
    ), completed AS (
      -- Conditional on PENDING, under the row's lock: of two concurrent completions one records the file.
      UPDATE "Upload" AS upload SET status = 'COMPLETED', "closedAt" = now() AT TIME ZONE 'UTC'
      FROM item
      WHERE upload.id = item.upload_id AND upload.status = 'PENDING' AND upload."ownerId" = ${user.id}
      RETURNING upload.id, upload."ownerId", upload."objectKey", upload."fileName", upload."contentType", upload.size,
        upload.sha256, item.file_id, item.audit_id, item.etag, item.snapshot_id
    ), file AS (
      INSERT INTO "File" (id, "ownerId", "uploadId", "objectKey", name, "contentType", size, sha256, etag, "snapshotId", "createdAt")
      SELECT file_id, "ownerId", id, "objectKey", "fileName", "contentType", size, sha256, etag, snapshot_id,
        now() AT TIME ZONE 'UTC'
      FROM completed
      RETURNING id, "uploadId", name, size, "contentType", "createdAt"
    ), audit AS (
      INSERT INTO "AuditEvent" (id, action, "actorId", via, "objectKey", "uploadId", "fileId", "createdAt")
      SELECT audit_id, 'upload.complete', ${user.id}, ${user.via}, "objectKey", id, file_id, now() AT TIME ZONE 'UTC'
      FROM completed
    )
    SELECT id, "uploadId", name, size, "contentType", "createdAt" FROM file`
  return new Map(rows.map((row) => [row.uploadId, toFileSummary(row)]))
}
