import AwsS3, { type uploadPartBytes } from "@uppy/aws-s3"

type PartUpload = Parameters<uploadPartBytes>[0]

/** A part key for Azure Blob Storage: a Put Block (`comp=block&blockid=…`) under a SAS. */
const isAzureBlock = (url: string) => {
  const query = new URL(url).searchParams
  return query.get("comp") === "block" && query.has("blockid")
}

/**
 * Uppy 5's part uploader, taught Azure's Put Block: it answers 201 without an ETag, on which Uppy's
 * own uploader logs an error and never settles (the part hangs). The block id stands in for the
 * ETag; the server completes from storage's block list anyway. An expired SAS becomes Uppy's
 * "Request has expired", so it signs the part again. S3 parts and single PUTs go to Uppy's own.
 */
export function uploadPartBytes(options: PartUpload): ReturnType<uploadPartBytes> {
  const { signature, body, onProgress, onComplete, signal } = options
  if (!isAzureBlock(signature.url)) return AwsS3.uploadPartBytes(options)
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DOMException("Aborted", "AbortError"))
    const xhr = new XMLHttpRequest()
    xhr.open(signature.method ?? "PUT", signature.url, true)
    for (const [name, value] of Object.entries(signature.headers ?? {})) xhr.setRequestHeader(name, value)
    const abort = () => xhr.abort()
    signal?.addEventListener("abort", abort, { once: true })
    xhr.upload.addEventListener("progress", onProgress)
    xhr.addEventListener("abort", () => reject(new DOMException("Aborted", "AbortError")))
    xhr.addEventListener("error", () => reject(Object.assign(new Error("Network error"), { source: xhr })))
    xhr.addEventListener("load", () => {
      signal?.removeEventListener("abort", abort)
      const errorCode = xhr.getResponseHeader("x-ms-error-code") ?? ""
      if (xhr.status === 403 && /AuthenticationFailed|AuthorizationFailure/.test(errorCode)) {
        return reject(Object.assign(new Error("Request has expired"), { source: { status: 403 } }))
      }
      if (xhr.status < 200 || xhr.status >= 300) {
        return reject(Object.assign(new Error(`Storage refused the part (HTTP ${xhr.status})`), { source: xhr }))
      }
      const url = new URL(signature.url)
      const etag = url.searchParams.get("blockid") ?? ""
      onProgress?.({ loaded: body instanceof Blob ? body.size : 0, lengthComputable: true })
      onComplete?.(etag)
      resolve({ ETag: etag, location: `${url.origin}${url.pathname}` })
    })
    xhr.send(body)
  })
}
