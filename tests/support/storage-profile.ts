/**
 * Which cloud the integration project runs against (its profile's STORAGE_BACKEND), for the few
 * assertions whose storage answer differs by protocol while the rule behind it is the same.
 */
export const isAzure = process.env.STORAGE_BACKEND === "azure"

/** A successful upload request: S3 answers 200, Azure 201 Created (Put Blob, Put Block). */
export const STORED = isAzure ? 201 : 200

/** What identifies an uploaded part: S3's ETag; Put Block answers without one, so its block id. */
export const partEtagOf = (response: Response, partUrl: string) =>
  response.headers.get("etag") ?? (isAzure ? new URL(partUrl).searchParams.get("blockid") : null)

/** The path a valet key for `key` addresses: `/<bucket>/<key>` on S3, `/<account>/<container>/<key>` on Azurite. */
export const objectPathOf = (key: string) =>
  isAzure
    ? `/${process.env.AZURE_STORAGE_ACCOUNT}/${process.env.AZURE_STORAGE_CONTAINER}/${key}`
    : `/${process.env.S3_BUCKET}/${key}`

/** How long a key lives from now, as signed into it: S3's X-Amz-Expires, Azure's `se` (second resolution). */
export function keyLifetimeSeconds(url: string): number {
  const query = new URL(url).searchParams
  if (!isAzure) return Number(query.get("X-Amz-Expires"))
  return Math.round((Date.parse(query.get("se") ?? "") - Date.now()) / 1000)
}

/** What a signature in a URL or log line looks like on either cloud. */
export const SIGNATURE_PATTERN = /X-Amz-Signature|X-Amz-Credential|[?&]sig=/i

/** The Content-Disposition a download key makes storage answer with, as signed into its URL. */
export const signedDispositionOf = (url: string) =>
  new URL(url).searchParams.get(isAzure ? "rscd" : "response-content-disposition") ?? ""
