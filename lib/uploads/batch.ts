import type { AuthUser } from "@/lib/auth"
import { ApiError, handleApiError, notFound } from "@/lib/errors"
import { getEnv } from "@/lib/env"
import type { BatchCompleteResult, BatchGrantResult, BatchItemError } from "@/lib/shared/wire/uploads"
import { type BatchComplete, type UploadRequest, uploadRequestSchema } from "@/lib/shared/validations/uploads"
import { completeFoundUpload } from "@/lib/uploads/complete"
import { grantAdmittedUpload, grantSingleUploads } from "@/lib/uploads/grant"
import { findOwnUploads } from "@/lib/uploads/own-upload"
import { assertFileSize, consumeUploadRate } from "@/lib/uploads/quota"
import type { Uploader } from "@/lib/uploads/uploader"

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

/**
 * Completes many uploads at once (POST /api/uploads/complete). The uploads are looked up in one
 * query within the caller's scope (anyone else's is a per-item 404); each is then verified in
 * storage and recorded by the same code as a single completion, with its own transaction and
 * audit row, so one bad item fails alone and a replay answers the same files (`created: false`).
 */
export async function completeUploads(
  uploader: Uploader,
  items: BatchComplete["uploads"],
): Promise<BatchCompleteResult[]> {
  const found = await findOwnUploads(
    uploader,
    items.map((item) => item.id),
  )
  const results: BatchCompleteResult[] = new Array<BatchCompleteResult>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      const item = items[index]
      if (!item) continue
      try {
        const upload = found.get(item.id)
        if (!upload) throw notFound("Upload")
        results[index] = { id: item.id, ...(await completeFoundUpload(uploader, upload, { parts: item.parts })) }
      } catch (error) {
        results[index] = { id: item.id, ...(await itemError(error)) }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(COMPLETE_CONCURRENCY, items.length) }, worker))
  return results
}
