import type { AuthUser } from "@/lib/auth"
import { ApiError, handleApiError, notFound } from "@/lib/errors"
import { getEnv } from "@/lib/env"
import { getLog } from "@/lib/log"
import type { BatchCompleteResult, BatchGrantResult, BatchItemError } from "@/lib/shared/wire/uploads"
import { type BatchComplete, type UploadRequest, uploadRequestSchema } from "@/lib/shared/validations/uploads"
import { countSettledCompletion } from "@/lib/metrics"
import {
  completeFoundUpload,
  recordVerifiedUpload,
  recordVerifiedUploadsAtOnce,
  verifyFoundUpload,
  type VerifiedObject,
} from "@/lib/uploads/complete"
import { grantAdmittedUpload, grantSingleUploads } from "@/lib/uploads/grant"
import { findOwnUploads, type OwnUpload } from "@/lib/uploads/own-upload"
import { assertFileSize, consumeUploadRate } from "@/lib/uploads/quota"
import { isRequestUploader, type FileSummary, type Uploader } from "@/lib/uploads/uploader"
import { hasLiveWebhook } from "@/lib/webhooks/webhooks"

/**
 * Completions verified at once: each is a HEAD (or a multipart assembly) in storage and a short
 * transaction, so a few in flight keep storage and the pool busy without queueing on either.
 */
const COMPLETE_CONCURRENCY = 6

/** The error body the one error mapper would answer for this failure alone (logged the same way). */
async function itemError(error: unknown): Promise<BatchItemError> {
  const body = (await handleApiError(error).json()) as BatchItemError
  return { error: body.error }
}

/**
 * Grants many files at once (POST /api/uploads with an array). Every item is parsed, capped,
 * quota-checked and recorded on its own, with its own key and audit row; a bad item answers its
 * own error while the good ones are granted. The rate limit is charged once for the valid items
 * (a 429 refuses the whole batch, as it would each of its calls). Single PUTs share one database
 * round trip; files big enough for multipart are granted one after the other.
 */
export async function grantUploads(user: AuthUser, items: unknown[]): Promise<BatchGrantResult[]> {
  const results: BatchGrantResult[] = new Array<BatchGrantResult>(items.length)
  const valid: { index: number; input: UploadRequest }[] = []
  for (const [index, item] of items.entries()) {
    try {
      const input = uploadRequestSchema.parse(item)
      assertFileSize(input.size)
      valid.push({ index, input })
    } catch (error) {
      results[index] = await itemError(error)
    }
  }
  if (valid.length === 0) return results
  await consumeUploadRate(user, valid.length)

  const threshold = getEnv().MULTIPART_THRESHOLD_BYTES
  const singles = valid.filter((item) => item.input.size <= threshold)
  const multiparts = valid.filter((item) => item.input.size > threshold)
  try {
    const granted = await grantSingleUploads(
      user,
      singles.map((item) => item.input),
    )
    for (const [position, item] of singles.entries()) {
      const grant = granted[position]
      results[item.index] = grant instanceof ApiError || !grant ? await itemError(grant) : { upload: grant }
    }
  } catch (error) {
    const failed = await itemError(error)
    for (const item of singles) results[item.index] = failed
  }
  for (const item of multiparts) {
    try {
      results[item.index] = { upload: await grantAdmittedUpload(user, item.input) }
    } catch (error) {
      results[item.index] = await itemError(error)
    }
  }
  return results
}

type Completion = { file: FileSummary; created: boolean }
type Settled = Completion | { error: unknown }

const settle = async (completion: Promise<Completion>): Promise<Settled> => {
  try {
    return await completion
  } catch (error) {
    return { error }
  }
}

/**
 * Completes many uploads at once (POST /api/uploads/complete). The uploads are looked up in one
 * query within the caller's scope (anyone else's is a per-item 404); each is verified in storage
 * on its own by the same code as a single completion (a mismatch rejects that item alone), and a
 * replay answers the same files (`created: false`). Recording: where no other row must be written
 * with each file (an account's own uploads, no live `file.uploaded` webhook), every verified upload
 * is recorded by one statement (recordVerifiedUploadsAtOnce), instead of a transaction of five
 * round trips each; otherwise, and for an item that statement left out, one at a time.
 */
export async function completeUploads(
  uploader: Uploader,
  items: BatchComplete["uploads"],
): Promise<BatchCompleteResult[]> {
  const found = await findOwnUploads(
    uploader,
    items.map((item) => item.id),
  )
  const atOnce = isRequestUploader(uploader)
    ? null
    : (await hasLiveWebhook(uploader.id, "file.uploaded"))
      ? null
      : uploader
  const settled = new Array<Settled>(items.length)
  const verified: { index: number; upload: OwnUpload; object: VerifiedObject }[] = []
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      const item = items[index]
      if (!item) continue
      const upload = found.get(item.id)
      if (!upload) settled[index] = { error: notFound("Upload") }
      else if (!atOnce || (upload.status === "COMPLETED" && upload.file))
        settled[index] = await settle(completeFoundUpload(uploader, upload, { parts: item.parts }))
      else {
        try {
          verified.push({ index, upload, object: await verifyFoundUpload(upload, { parts: item.parts }) })
        } catch (error) {
          settled[index] = { error }
        }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(COMPLETE_CONCURRENCY, items.length) }, worker))

  if (atOnce && verified.length > 0) {
    // One statement: if it fails it wrote nothing, and each item is recorded the one-at-a-time way.
    const recorded = await recordVerifiedUploadsAtOnce(atOnce, verified).catch((error: unknown) => {
      getLog().warn(
        `[uploads] batch recording failed, recording one at a time: ${error instanceof Error ? error.message : String(error)}`,
      )
      return new Map<string, FileSummary>()
    })
    for (const { index, upload, object } of verified) {
      const file = recorded.get(upload.id)
      settled[index] = file ? { file, created: true } : await settle(recordVerifiedUpload(uploader, upload, object))
    }
  }

  const results: BatchCompleteResult[] = []
  for (const [index, item] of items.entries()) {
    const outcome = settled[index] ?? { error: new Error("batch item never settled") }
    countSettledCompletion(outcome)
    results.push({ id: item.id, ...("error" in outcome ? await itemError(outcome.error) : outcome) })
  }
  return results
}
