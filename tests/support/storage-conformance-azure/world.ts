import { createHash, randomBytes, randomUUID } from "node:crypto"
import { expect } from "vitest"
import { isAzure, STORED } from "@/tests/support/storage-profile"
import { MIB, setUpWorld } from "@/tests/support/world"

/**
 * The world of the Azure conformance tests (tests/integration/storage-conformance-azure/): what Azure
 * Blob Storage (here Azurite) enforces for the SAS tokens lib/storage/azure.ts mints, and what
 * completion must catch because a SAS cannot sign it (../shared/AZURE-SAS.md): the Azure
 * counterpart of tests/integration/storage-conformance/, which runs on the S3 profiles. Every URL
 * comes from the app's own functions and is used with a real `fetch`; a 403 there is storage refusing.
 *
 * Azurite differs from Azure where nothing here relies on it: it ignores `sip` (IP ranges), does
 * not limit stored access policies to 5, and lets a policy's fields override the SAS's. Valet uses
 * neither IP ranges nor stored policies, so no test depends on those.
 */
export { database, MIB, PROFILE } from "@/tests/support/world"
export const FOREIGN_ORIGIN = "http://evil.example"

export let storage: typeof import("@/lib/storage")
export let uploads: typeof import("@/lib/uploads")
export let files: typeof import("@/lib/files")
export let owner: import("@/lib/auth").AuthUser
export const prefix = `conformance/${randomUUID()}`
export const writtenKeys = new Set<string>()

export const randomBody = (size: number) => new Uint8Array(randomBytes(size))
export const sha256Hex = (data: Uint8Array) => createHash("sha256").update(data).digest("hex")

export function newKey(name: string): string {
  const key = `${prefix}/${randomUUID()}/${name}`
  writtenKeys.add(key)
  return key
}

export async function send(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; sha256: string; headers: Headers; text: string }> {
  const response = await fetch(url, init)
  const bytes = new Uint8Array(await response.arrayBuffer())
  return {
    status: response.status,
    sha256: sha256Hex(bytes),
    headers: response.headers,
    text: new TextDecoder().decode(bytes),
  }
}
export const statusOf = async (url: string, init?: RequestInit) => (await send(url, init)).status

/** Edits one query value in the raw URL, leaving every other parameter's encoding alone. */
export function replaceQueryValue(url: string, name: string, replace: (value: string) => string): string {
  const pattern = new RegExp(`([?&]${name}=)([^&]*)`)
  const match = pattern.exec(url)
  if (!match?.[2]) throw new Error(`${name} not in the URL`)
  const value = match[2]
  return url.replace(pattern, (_, head: string) => `${head}${replace(value)}`)
}

/** Flips one bit of the HMAC in `sig`. */
export const withTamperedSignature = (url: string) =>
  replaceQueryValue(url, "sig", (value) => {
    const signature = Buffer.from(decodeURIComponent(value), "base64")
    signature[0] = (signature[0] ?? 0) ^ 1
    return encodeURIComponent(signature.toString("base64"))
  })

export const unsignedUrl = (url: string) => `${new URL(url).origin}${new URL(url).pathname}`
export const retargeted = (url: string, fromKey: string, toKey: string) => url.replace(`/${fromKey}?`, `/${toKey}?`)
/** A part URL turned into another Put Block List / Put Blob request under the same SAS. */
export const withoutBlockQuery = (partUrl: string) => partUrl.replace(/comp=block&blockid=[^&]*&/, "")

export const PUT_BLOB = { "x-ms-blob-type": "BlockBlob" }

/** Stores bytes through the app's own create key and seals them as completion would. */
export async function storeSealed(
  key: string,
  body: Uint8Array<ArrayBuffer>,
  contentType = "application/octet-stream",
) {
  const put = await storage.presignPut({ key, contentType, size: body.length })
  expect(await statusOf(put.url, { method: "PUT", headers: put.headers, body })).toBe(STORED)
  const version = await storage.sealObject(key)
  if (!version) throw new Error(`${key}: no snapshot right after a successful PUT`)
  return version
}

/** A completion through lib/uploads, as the route runs it: the status it answers (201, 409, 422). */
export async function completionStatus(uploadId: string): Promise<number> {
  try {
    await uploads.completeUpload(owner, uploadId, {})
    return 201
  } catch (error) {
    if (error instanceof Error && "status" in error && typeof error.status === "number") return error.status
    throw error
  }
}

export const objectKeyOf = (uploadId: string) => uploads.objectKeyFor(owner.id, uploadId)

/** On the Azure profile: a fresh database and an owner for this test file; afterwards its blobs are deleted. */
export function setUpAzureConformanceWorld() {
  if (!isAzure) return
  setUpWorld({
    env: { MULTIPART_THRESHOLD_BYTES: String(5 * MIB), MULTIPART_PART_SIZE_BYTES: String(5 * MIB) },
    users: { owner: "azure-conformance@example.com" },
    async ready(users) {
      owner = { ...users.owner, via: "session" }
      storage = await import("@/lib/storage")
      uploads = await import("@/lib/uploads")
      files = await import("@/lib/files")
    },
    cleanUp: () => Promise.all([...writtenKeys].map((key) => storage.deleteObject(key))),
  })
}
