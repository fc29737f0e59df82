import type { AuthUser } from "@/lib/auth"
import { type AuditActor } from "@/lib/audit"
import { getEnv } from "@/lib/env"
import type { FileSummary } from "@/lib/shared/wire/files"
import type { UploadGrant } from "@/lib/shared/wire/uploads"

export type { FileSummary, UploadGrant }

/** Grants per user per window, from the environment (default 300 per 10 minutes). */
export const uploadGrantLimit = (env = getEnv()) => ({
  limit: env.UPLOAD_GRANT_RATE_LIMIT,
  windowSeconds: env.UPLOAD_GRANT_RATE_WINDOW_SECONDS,
})
/**
 * Grants per upload request and client address: outsiders get a tighter budget, yet one sender
 * must be able to send every file the request takes (and retry some) in one go.
 */
export const uploadRequestGrantLimit = (maxFiles: number) => ({
  limit: Math.min(2_000, Math.max(60, 2 * maxFiles)),
  windowSeconds: 10 * 60,
})
/** A single PUT may land a little after its URL expired (a slow upload that started in time). */
export const SINGLE_UPLOAD_GRACE_SECONDS = 15 * 60

/**
 * Who acts on an upload: its signed-in owner, or someone without an account sending files into
 * an owner's space through an upload request (who may only put, never list, read or delete).
 */
export type Uploader = AuthUser | RequestUploader
export type RequestUploader = {
  via: "upload-request"
  request: { id: string; ownerId: string; limits: UploadRequestLimits }
  ip: string
}
export type UploadRequestLimits = {
  maxFiles: number
  maxFileSize: number
  maxTotalSize: number
  allowedTypes: string[]
}

export const isRequestUploader = (uploader: Uploader): uploader is RequestUploader => uploader.via === "upload-request"
export const ownerIdOf = (uploader: Uploader) => (isRequestUploader(uploader) ? uploader.request.ownerId : uploader.id)
export const actorOf = (uploader: Uploader): AuditActor =>
  isRequestUploader(uploader) ? { id: null, via: "upload-request" } : { id: uploader.id, via: uploader.via }
/** The uploads an uploader may see: an owner's own, or those sent through one request. */
export const scopeOf = (uploader: Uploader) =>
  isRequestUploader(uploader) ? { uploadRequestId: uploader.request.id } : { ownerId: uploader.id }

/** Server-minted object key: nothing of the user's input (file name) ever becomes part of it. */
export const objectKeyFor = (userId: string, uploadId: string) => `u/${userId}/${uploadId}`
