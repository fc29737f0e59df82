import { randomBytes } from "node:crypto"
import { expect } from "vitest"
import { apiRequest, browserHeaders } from "@/tests/support/app"
import { STORED } from "@/tests/support/storage-profile"

/**
 * What tests need to exist, made the way the product makes it: accounts through registerUser,
 * files through the real grant → PUT to storage → complete, links and upload requests through
 * their routes. Modules are imported at call time, so a test that reloads them gets the fresh ones.
 */
const paramsOf = (values: Record<string, string>) => ({ params: Promise.resolve(values) })

/** An account (the first one created in a database is its admin). */
export async function createUser(email: string, password = "perfectly-fine-1") {
  const { registerUser } = await import("@/lib/accounts")
  return registerUser({ email, password })
}

export type UploadedFile = { id: string; uploadId: string; objectKey: string; data: Uint8Array<ArrayBuffer> }

/** Uploads bytes through POST /api/uploads → PUT to the presigned URL → POST …/complete. */
export async function uploadFile(
  userId: string,
  options: { name?: string; data?: Uint8Array<ArrayBuffer>; type?: string } = {},
): Promise<UploadedFile> {
  const { name = "file.bin", data = new Uint8Array(randomBytes(64)), type = "application/octet-stream" } = options
  const { POST: grant } = await import("@/app/api/uploads/route")
  const { POST: complete } = await import("@/app/api/uploads/[id]/complete/route")
  const headers = await browserHeaders(userId)
  const granted = await grant(apiRequest("POST", "/api/uploads", { body: { name, size: data.length, type }, headers }))
  expect(granted.status, await granted.clone().text()).toBe(201)
  const { upload } = (await granted.json()) as { upload: { id: string; url: string; headers: Record<string, string> } }
  expect((await fetch(upload.url, { method: "PUT", body: data, headers: upload.headers })).status).toBe(STORED)
  const completed = await complete(
    apiRequest("POST", `/api/uploads/${upload.id}/complete`, { headers }),
    paramsOf({ id: upload.id }),
  )
  expect(completed.status, await completed.clone().text()).toBe(201)
  const { file } = (await completed.json()) as { file: { id: string } }
  const { getDb } = await import("@/lib/db")
  const { objectKey } = await getDb().file.findUniqueOrThrow({ where: { id: file.id }, select: { objectKey: true } })
  return { id: file.id, uploadId: upload.id, objectKey, data }
}

/**
 * A link to one of the user's files, through POST /api/files/:id/shares; its token from the URL.
 * `Share` names the fields of the answer a test reads beyond id and url.
 */
export async function createShare<Share extends { id: string; url: string } = { id: string; url: string }>(
  userId: string,
  fileId: string,
  input: Record<string, unknown> = {},
) {
  const { POST } = await import("@/app/api/files/[id]/shares/route")
  const response = await POST(
    apiRequest("POST", `/api/files/${fileId}/shares`, { body: input, headers: await browserHeaders(userId) }),
    paramsOf({ id: fileId }),
  )
  expect(response.status, await response.clone().text()).toBe(201)
  const { share } = (await response.json()) as { share: Share }
  return { ...share, token: new URL(share.url).pathname.split("/").at(-1) ?? "" }
}

/**
 * A write-only link, through POST /api/upload-requests; its token from the URL.
 * `Request` names the fields of the answer a test reads beyond id and url.
 */
export async function createUploadRequest<Request extends { id: string; url: string } = { id: string; url: string }>(
  userId: string,
  input: Record<string, unknown> = {},
) {
  const { POST } = await import("@/app/api/upload-requests/route")
  const body = { title: "Send me your slides", ...input }
  const response = await POST(
    apiRequest("POST", "/api/upload-requests", { body, headers: await browserHeaders(userId) }),
  )
  expect(response.status, await response.clone().text()).toBe(201)
  const { uploadRequest } = (await response.json()) as { uploadRequest: Request }
  return { ...uploadRequest, token: new URL(uploadRequest.url).pathname.split("/")[2] ?? "" }
}

/**
 * A link to several of the user's files, through POST /api/shares; its token from the URL.
 * `Share` names the fields of the answer a test reads beyond id and url.
 */
export async function createLinkToFiles<Share extends { id: string; url: string } = { id: string; url: string }>(
  userId: string,
  input: { fileIds: string[] } & Record<string, unknown>,
) {
  const { POST } = await import("@/app/api/shares/route")
  const response = await POST(apiRequest("POST", "/api/shares", { body: input, headers: await browserHeaders(userId) }))
  expect(response.status, await response.clone().text()).toBe(201)
  const { share } = (await response.json()) as { share: Share }
  return { ...share, token: new URL(share.url).pathname.split("/").at(-1) ?? "" }
}
