/**
 * The storage port: the operations Valet asks of object storage, answered by the adapter that
 * STORAGE_BACKEND names — ./s3 (any S3 API: presigned URLs) or ./azure (Blob Storage: SAS
 * tokens). Everything above this module is the same on both clouds; only the adapters import
 * their SDKs (eslint.config.mjs enforces it).
 */
import { getEnv } from "@/lib/env"
import { countKeyMinted, type KeyKind } from "@/lib/metrics"
import * as azure from "@/lib/storage/azure"
import type { StoragePort } from "@/lib/storage/common"
import * as s3 from "@/lib/storage/s3"

export {
  attachmentDisposition,
  capTtl,
  downloadContentType,
  inlineDisposition,
  type ChecksumModes,
  type CompletedPart,
  type ListedObject,
  type MultipartCompletion,
  type PresignedRequest,
  type ProbeKeys,
  type StoredObject,
  type StoredPart,
  type StoragePort,
} from "@/lib/storage/common"

const adapters: Record<"s3" | "azure", StoragePort> = { s3, azure }

export type StorageBackend = keyof typeof adapters

export const storageBackend = (): StorageBackend => getEnv().STORAGE_BACKEND

const adapter = (): StoragePort => adapters[storageBackend()]

/**
 * Whether completion pins the verified bytes in a version of their own (Azure's snapshot), which
 * downloads then read: a client's write key may still change the blob itself afterwards.
 */
export const storagePinsVersions = () => storageBackend() === "azure"

/** Every valet key is minted here, so here it is counted (lib/metrics.ts), once it exists. */
async function minted<T>(kind: KeyKind, key: Promise<T>): Promise<T> {
  const result = await key
  countKeyMinted(kind)
  return result
}

export const presignPut: StoragePort["presignPut"] = (input) => minted("put", adapter().presignPut(input))
export const presignPart: StoragePort["presignPart"] = (input) => minted("part", adapter().presignPart(input))
export const presignGet: StoragePort["presignGet"] = (input) => minted("get", adapter().presignGet(input))
/**
 * A key that a statement after it may still refuse (the one-statement grants and counted
 * downloads sign first, then decide): counted by handOut() once it is known to leave, so the
 * series counts keys a client got, not signatures dropped unseen.
 */
export async function presignPutToHandOut(input: Parameters<StoragePort["presignPut"]>[0]) {
  const key = await adapter().presignPut(input)
  return { key, handOut: () => countKeyMinted("put") }
}

/** presignGet whose key is counted by handOut() (see presignPutToHandOut). */
export async function presignGetToHandOut(input: Parameters<StoragePort["presignGet"]>[0]) {
  const key = await adapter().presignGet(input)
  return { key, handOut: () => countKeyMinted("get") }
}

export const presignPreview: StoragePort["presignPreview"] = (input) =>
  minted("preview", adapter().presignPreview(input))
export const headObject: StoragePort["headObject"] = (key, options) => adapter().headObject(key, options)
export const sealObject: StoragePort["sealObject"] = (key) => adapter().sealObject(key)
export const deleteObject: StoragePort["deleteObject"] = (key) => adapter().deleteObject(key)
export const createMultipartUpload: StoragePort["createMultipartUpload"] = (input) =>
  adapter().createMultipartUpload(input)
export const completeMultipartUpload: StoragePort["completeMultipartUpload"] = (input) =>
  adapter().completeMultipartUpload(input)
export const abortMultipartUpload: StoragePort["abortMultipartUpload"] = (input) =>
  adapter().abortMultipartUpload(input)
export const listParts: StoragePort["listParts"] = (input) => adapter().listParts(input)
export const listObjects: StoragePort["listObjects"] = (prefix, options) => adapter().listObjects(prefix, options)
export const readObject: StoragePort["readObject"] = (key) => adapter().readObject(key)
export const putObjectStream: StoragePort["putObjectStream"] = (input) => adapter().putObjectStream(input)
export const checkStorage: StoragePort["checkStorage"] = () => adapter().checkStorage()
export const ensureBucket: StoragePort["ensureBucket"] = (input) => adapter().ensureBucket(input)
export const presignProbe: StoragePort["presignProbe"] = (input) => adapter().presignProbe(input)
export const checksumModes: StoragePort["checksumModes"] = () => adapter().checksumModes()
