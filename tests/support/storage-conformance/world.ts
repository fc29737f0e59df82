import { createHash, randomBytes, randomUUID } from "node:crypto"
import { afterAll, expect } from "vitest"
import { getEnv } from "@/lib/env"
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  deleteObject,
  headObject,
  presignPut,
  type CompletedPart,
  type PresignedRequest,
} from "@/lib/storage"
import { isAzure } from "@/tests/support/storage-profile"

/**
 * The world of the S3 conformance tests (tests/integration/storage-conformance/): what storage itself
 * enforces for the valet keys lib/storage.ts mints (DESIGN.md §3). Every URL comes from the app's own
 * presign functions and is used with a real `fetch`, so a 403 there is the storage server refusing,
 * not the app. Runs once per storage server (VALET_STORAGE_PROFILE); SigV4 specifics (signed
 * headers, uploadId/partNumber, ListParts) have an Azure counterpart for each case in
 * tests/integration/storage-conformance-azure/, which runs on the azurite profile instead.
 */
export const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
export const APP_ORIGIN = process.env.VALET_TEST_APP_ORIGIN ?? "http://localhost:3000"
export const FOREIGN_ORIGIN = "http://evil.example"
export const MIB = 1024 * 1024

export const env = getEnv()
export const prefix = `conformance/${randomUUID()}`
export const writtenKeys = new Set<string>()
/** Multipart uploads not completed (yet), by upload id: aborted in afterAll. */
export const openUploads = new Map<string, string>()

/** A fresh key under this run's prefix, deleted in afterAll whether or not anything landed there. */
export function newKey(name: string): string {
  const key = `${prefix}/${randomUUID()}/${name}`
  writtenKeys.add(key)
  return key
}

export function randomBody(size: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(randomBytes(size))
}

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex")
}

export function sha256Base64(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("base64")
}

/** The object's address without any signature: what an anonymous client would request. */
export function unsignedUrl(presignedUrl: string): string {
  const url = new URL(presignedUrl)
  return `${url.origin}${url.pathname}`
}

/**
 * Edits the raw URL string: re-serialising through URLSearchParams would re-encode every other
 * parameter (spaces, `!'()*`) and break the signature for reasons unrelated to the edit under test.
 */
export function replaceQueryValue(presignedUrl: string, name: string, replace: (value: string) => string): string {
  const pattern = new RegExp(`([?&]${name}=)([^&]*)`)
  const match = pattern.exec(presignedUrl)
  if (!match?.[2]) throw new Error(`${name} not in the presigned URL`)
  const value = match[2]
  return presignedUrl.replace(pattern, (_, head: string) => `${head}${replace(value)}`)
}

/** Flips the last hex digit of X-Amz-Signature. */
export function withTamperedSignature(presignedUrl: string): string {
  return replaceQueryValue(presignedUrl, "X-Amz-Signature", (signature) => {
    const last = signature.at(-1) === "0" ? "1" : "0"
    return `${signature.slice(0, -1)}${last}`
  })
}

/** The same query string (signature included) aimed at another object. */
export function retargeted(presignedUrl: string, fromKey: string, toKey: string): string {
  const url = new URL(presignedUrl)
  const path = `/${env.S3_BUCKET}/${fromKey}`
  if (url.pathname !== path) throw new Error(`expected a path-style URL for ${fromKey}`)
  return presignedUrl.replace(path, `/${env.S3_BUCKET}/${toKey}`)
}

export function signedHeadersOf(presignedUrl: string): string[] {
  return (new URL(presignedUrl).searchParams.get("X-Amz-SignedHeaders") ?? "").split(";")
}

export async function putWith(request: PresignedRequest, body: Uint8Array<ArrayBuffer>, headers = request.headers) {
  return fetch(request.url, { method: "PUT", headers, body })
}

/** Status and SHA-256 of the body; the body is always consumed so the connection is released. */
export async function fetchDigest(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; sha256: string; headers: Headers }> {
  const response = await fetch(url, init)
  const bytes = new Uint8Array(await response.arrayBuffer())
  return { status: response.status, sha256: sha256Hex(bytes), headers: response.headers }
}

export async function statusOf(url: string, init?: RequestInit): Promise<number> {
  const response = await fetch(url, init)
  await response.arrayBuffer()
  return response.status
}

/** Uploads through the app's own PUT key and checks storage took it. */
export async function storeObject(
  key: string,
  body: Uint8Array<ArrayBuffer>,
  contentType = "application/octet-stream",
) {
  const put = await presignPut({ key, contentType, size: body.length })
  expect(await statusOf(put.url, { method: "PUT", headers: put.headers, body })).toBe(200)
  const stored = await headObject(key)
  if (!stored) throw new Error(`${key} missing right after a successful PUT`)
  return stored
}

export async function startMultipart(key: string, contentType: string): Promise<string> {
  const uploadId = await createMultipartUpload({ key, contentType })
  openUploads.set(uploadId, key)
  return uploadId
}

export async function finishMultipart(key: string, uploadId: string, parts: CompletedPart[]) {
  expect(await completeMultipartUpload({ key, uploadId, parts })).toBe(true)
  openUploads.delete(uploadId)
}

/** Deletes what this test file wrote and aborts its open multipart uploads, afterwards. */
export function setUpConformanceWorld() {
  afterAll(async () => {
    if (isAzure) return
    await Promise.all([...writtenKeys].map((key) => deleteObject(key)))
    await Promise.all([...openUploads].map(([uploadId, key]) => abortMultipartUpload({ key, uploadId })))
  })
}
