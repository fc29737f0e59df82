/**
 * The proxy baseline of `npm run bench` (section 1): uploads and downloads whose bytes travel
 * through the app, the way a file-sharing app without valet keys works. THIS IS WHAT VALET EXISTS
 * TO AVOID — every byte costs the app CPU, memory and socket time. It lives under bench/ and is
 * served only by bench/proxy/server.ts, which `npm run bench` starts: the product never holds it.
 *
 * To keep the comparison fair the proxy does the same bookkeeping as a valet upload: the same
 * rate limit, quota check under the owner's lock, Upload row, HeadObject check, and File row and
 * audit event on completion; a download writes one audit row as a valet download does.
 */
import { randomUUID } from "node:crypto"
import type { AuthUser } from "@/lib/auth"
import { recordAction } from "@/lib/audit"
import { getDb } from "@/lib/db"
import { getEnv } from "@/lib/env"
import { ApiError, notFound } from "@/lib/errors"
import type { Prisma } from "@/lib/generated/prisma/client"
import { deleteObject, headObject, putObjectStream, readObject } from "@/lib/storage"
import { admitUpload, assertQuotaRoom, lockOwnerQuota, objectKeyFor, type FileSummary } from "@/lib/uploads"
import { isResourceId } from "@/lib/shared/validations/text"
import type { UploadRequest } from "@/lib/shared/validations/uploads"

/** Counts the bytes that pass, so a body shorter or longer than its Content-Length is caught. */
function countingStream(onChunk: (length: number) => void) {
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      onChunk(chunk.byteLength)
      controller.enqueue(chunk)
    },
  })
}

/** The same checks and Upload row as grantUpload (lib/uploads.ts), for bytes that come through here. */
async function openProxyUpload(user: AuthUser, input: UploadRequest & { id: string; objectKey: string }) {
  await admitUpload(user, input.size)
  await getDb().$transaction(async (tx: Prisma.TransactionClient) => {
    await lockOwnerQuota(tx, user.id)
    await assertQuotaRoom(tx, user.id, input.size)
    await tx.upload.create({
      data: {
        id: input.id,
        ownerId: user.id,
        objectKey: input.objectKey,
        fileName: input.name,
        contentType: input.type,
        size: BigInt(input.size),
        // The body is still arriving while this row is open: the reaper must not take it meanwhile.
        expiresAt: new Date(Date.now() + getEnv().MULTIPART_UPLOAD_WINDOW_SECONDS * 1000),
        // No key is minted: the bytes come through this server.
        keysExpireAt: new Date(),
      },
    })
  })
}

/**
 * Receives an upload body and streams it to storage (multipart, a few parts in memory at a time),
 * then records the file. `input.size` is the request's Content-Length; a body of any other
 * length is discarded.
 */
export async function proxyUpload(
  user: AuthUser,
  input: UploadRequest,
  body: ReadableStream<Uint8Array>,
): Promise<FileSummary> {
  const id = randomUUID()
  const objectKey = objectKeyFor(user.id, id)
  await openProxyUpload(user, { ...input, id, objectKey })
  const db = getDb()
  const close = (status: "ABORTED" | "REJECTED") =>
    db.upload.updateMany({ where: { id, status: "PENDING" }, data: { status, closedAt: new Date() } })

  let received = 0
  try {
    await putObjectStream({
      key: objectKey,
      contentType: input.type,
      body: body.pipeThrough(countingStream((n) => (received += n))),
    })
  } catch (error) {
    await close("ABORTED")
    await deleteObject(objectKey).catch(() => undefined)
    throw error
  }
  const stored = await headObject(objectKey)
  if (received !== input.size || stored?.size !== input.size) {
    await deleteObject(objectKey)
    await close("REJECTED")
    throw new ApiError(
      "upload_mismatch",
      `Received ${received} bytes, not the ${input.size} announced; the upload was discarded`,
    )
  }

  const file = await db.$transaction(async (tx) => {
    const { count } = await tx.upload.updateMany({
      where: { id, status: "PENDING" },
      data: { status: "COMPLETED", closedAt: new Date() },
    })
    if (count === 0) throw new ApiError("upload_not_open", "This upload was closed meanwhile")
    const created = await tx.file.create({
      data: {
        ownerId: user.id,
        uploadId: id,
        objectKey,
        name: input.name,
        contentType: input.type,
        size: BigInt(input.size),
      },
      select: { id: true, name: true, size: true, contentType: true, createdAt: true },
    })
    await tx.auditEvent.create({
      data: { action: "upload.complete", actorId: user.id, via: user.via, objectKey, uploadId: id, fileId: created.id },
    })
    return created
  })
  return { id: file.id, name: file.name, size: Number(file.size), type: file.contentType, createdAt: file.createdAt }
}

/** One of the user's files as a stream read from storage by the app, or a 404. */
export async function proxyDownload(user: AuthUser, fileId: string) {
  if (!isResourceId(fileId)) throw notFound("File")
  const file = await getDb().file.findFirst({
    where: { id: fileId, ownerId: user.id },
    select: { id: true, name: true, size: true, contentType: true, objectKey: true },
  })
  if (!file) throw notFound("File")
  const body = await readObject(file.objectKey)
  if (!body) throw notFound("File")
  await recordAction(
    { id: user.id, via: user.via },
    { action: "download.proxy", objectKey: file.objectKey, fileId: file.id },
  )
  return { body, name: file.name, size: Number(file.size), contentType: file.contentType }
}
