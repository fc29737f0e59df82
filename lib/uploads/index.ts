/**
 * Uploads, one file per step: who uploads (uploader), what they may (quota), the grant, part
 * signing, completion, and abort/reaping. Callers import the steps from here.
 */
export { objectKeyFor, uploadGrantLimit, uploadRequestGrantLimit } from "@/lib/uploads/uploader"
export type { FileSummary, RequestUploader, UploadGrant, Uploader, UploadRequestLimits } from "@/lib/uploads/uploader"
export { admitUpload, assertQuotaRoom, bytesInUse, lockOwnerQuota } from "@/lib/uploads/quota"
export { grantUpload, grantUploadForToken } from "@/lib/uploads/grant"
export { listUploadedParts, signUploadParts } from "@/lib/uploads/parts"
export { completeUpload } from "@/lib/uploads/complete"
export { completeUploads, grantUploads } from "@/lib/uploads/batch"
export type { BatchCompleteResult, BatchGrantResult, BatchItemError } from "@/lib/shared/wire/uploads"
export { abortUpload, reapExpiredUploads, sweepClosedUploads } from "@/lib/uploads/abort"
