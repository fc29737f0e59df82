import { recordAction } from "@/lib/audit"
import type { AuthUser } from "@/lib/auth"
import { getDb } from "@/lib/db"
import { ApiError, notFound } from "@/lib/errors"
import { getEnv } from "@/lib/env"
import type { Prisma } from "@/lib/generated/prisma/client"
import { hashPassword, verifyPassword } from "@/lib/passwords"
import { enforceRateLimits, RATE_LIMITS, resetRateLimit } from "@/lib/rate-limit"
import type { RequestUploader } from "@/lib/uploads"
import { mintUploadSession, needsRenewal, verifyUploadSession, type UploadSession } from "@/lib/upload-sessions"
import { GIB } from "@/lib/shared/upload-layout"
import type { CreateUploadRequestInput } from "@/lib/shared/validations/upload-requests"
import { isResourceId } from "@/lib/shared/validations/text"
import { hashToken, isTokenShaped, mintToken } from "@/lib/tokens"
import type { UploadRequestState, UploadRequestSummary } from "@/lib/shared/wire/upload-requests"

const DEFAULT_EXPIRY_SECONDS = 7 * 24 * 60 * 60
const DEFAULT_TOTAL_SIZE = 5 * GIB

export const uploadRequestUrl = (token: string) => new URL(`/r/${token}`, getEnv().APP_URL).toString()

export type { UploadRequestState }

const stateOf = (request: { closedAt: Date | null; expiresAt: Date | null }, now = new Date()): UploadRequestState =>
  request.closedAt ? "closed" : request.expiresAt && request.expiresAt <= now ? "expired" : "open"

const REQUEST_SELECT = {
  id: true,
  title: true,
  message: true,
  expiresAt: true,
  maxFiles: true,
  maxFileSize: true,
  maxTotalSize: true,
  allowedTypes: true,
  passwordHash: true,
  closedAt: true,
  createdAt: true,
  ownerId: true,
} as const

type RequestRow = Prisma.UploadRequestGetPayload<{ select: typeof REQUEST_SELECT }>

function toSummary(request: RequestRow, received: { files: number; bytes: number }): UploadRequestSummary {
  return {
    id: request.id,
    title: request.title,
    message: request.message,
    expiresAt: request.expiresAt,
    maxFiles: request.maxFiles,
    maxFileSize: Number(request.maxFileSize),
    maxTotalSize: Number(request.maxTotalSize),
    allowedTypes: request.allowedTypes,
    hasPassword: request.passwordHash !== null,
    state: stateOf(request),
    createdAt: request.createdAt,
    filesReceived: received.files,
    bytesReceived: received.bytes,
  }
}

export type { UploadRequestSummary }

/** Files (and bytes) an upload request has received and verified. */
async function receivedBy(requestIds: string[]) {
  const rows = await getDb().upload.groupBy({
    by: ["uploadRequestId"],
    where: { uploadRequestId: { in: requestIds }, status: "COMPLETED" },
    _count: true,
    _sum: { size: true },
  })
  return new Map(rows.map((row) => [row.uploadRequestId, { files: row._count, bytes: Number(row._sum.size ?? 0n) }]))
}

/** Creates a write-only link into the user's space; the link (with its token) is shown once. */
export async function createUploadRequest(user: AuthUser, input: CreateUploadRequestInput) {
  const env = getEnv()
  const maxFileSize = Math.min(input.maxFileSize ?? env.MAX_FILE_SIZE_BYTES, env.MAX_FILE_SIZE_BYTES)
  const token = mintToken()
  const request = await getDb().uploadRequest.create({
    data: {
      ownerId: user.id,
      title: input.title,
      message: input.message ?? null,
      tokenHash: hashToken(token),
      passwordHash: input.password ? await hashPassword(input.password) : null,
      expiresAt:
        input.expiresIn === null ? null : new Date(Date.now() + 1000 * (input.expiresIn ?? DEFAULT_EXPIRY_SECONDS)),
      maxFiles: input.maxFiles,
      maxFileSize: BigInt(maxFileSize),
      maxTotalSize: BigInt(Math.max(input.maxTotalSize ?? DEFAULT_TOTAL_SIZE, 1)),
      allowedTypes: input.allowedTypes,
    },
    select: REQUEST_SELECT,
  })
  await recordAction(
    { id: user.id, via: user.via },
    {
      action: "upload_request.create",
      details: { requestId: request.id, title: request.title, password: Boolean(input.password) },
    },
  )
  return { ...toSummary(request, { files: 0, bytes: 0 }), url: uploadRequestUrl(token) }
}

/** The user's upload requests, newest first, with what each has received. */
export async function listUploadRequests(user: AuthUser): Promise<UploadRequestSummary[]> {
  const requests = await getDb().uploadRequest.findMany({
    where: { ownerId: user.id },
    orderBy: { createdAt: "desc" },
    take: 200,
    select: REQUEST_SELECT,
  })
  const received = await receivedBy(requests.map((request) => request.id))
  return requests.map((request) => toSummary(request, received.get(request.id) ?? { files: 0, bytes: 0 }))
}

/** One of the user's requests with the files it received; anyone else's is a 404. */
export async function getOwnUploadRequest(user: AuthUser, requestId: string) {
  if (!isResourceId(requestId)) throw notFound("Upload request")
  const db = getDb()
  const request = await db.uploadRequest.findFirst({
    where: { id: requestId, ownerId: user.id },
    select: REQUEST_SELECT,
  })
  if (!request) throw notFound("Upload request")
  const files = await db.file.findMany({
    where: { upload: { uploadRequestId: request.id } },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, size: true, contentType: true, createdAt: true },
  })
  const bytes = files.reduce((sum, file) => sum + Number(file.size), 0)
  return {
    request: toSummary(request, { files: files.length, bytes }),
    files: files.map((file) => ({
      id: file.id,
      name: file.name,
      size: Number(file.size),
      type: file.contentType,
      createdAt: file.createdAt,
    })),
  }
}

/** Closes a request at once (its owner, or an admin): the next grant through it is refused. */
export async function closeUploadRequest(user: AuthUser, requestId: string): Promise<void> {
  if (!isResourceId(requestId)) throw notFound("Upload request")
  const db = getDb()
  await db.$transaction(async (tx) => {
    const { count } = await tx.uploadRequest.updateMany({
      where: { id: requestId, closedAt: null, ...(user.role === "ADMIN" ? {} : { ownerId: user.id }) },
      data: { closedAt: new Date(), closedById: user.id },
    })
    if (count === 0) {
      const exists = await tx.uploadRequest.findFirst({
        where: { id: requestId, ...(user.role === "ADMIN" ? {} : { ownerId: user.id }) },
        select: { id: true },
      })
      if (!exists) throw notFound("Upload request")
      return // already closed: closing is idempotent
    }
    await tx.auditEvent.create({
      data: {
        action: "upload_request.close",
        actorId: user.id,
        via: user.via,
        details: { uploadRequestId: requestId },
      },
    })
  })
}

/**
 * The request behind a link. A disabled owner's links read as closed: nobody may keep filling the
 * space of an account an admin has switched off.
 */
async function findByToken(token: string) {
  if (!isTokenShaped(token)) return null
  const request = await getDb().uploadRequest.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { ...REQUEST_SELECT, owner: { select: { disabledAt: true } } },
  })
  if (!request) return null
  const { owner, ...fields } = request
  return owner.disabledAt && !fields.closedAt ? { ...fields, closedAt: owner.disabledAt } : fields
}

/** What the public page at /r/<token> shows; null for an unknown link. */
export async function describeUploadRequest(token: string) {
  const request = await findByToken(token)
  if (!request) return null
  const { title, message, expiresAt, maxFiles, allowedTypes } = request
  const sent = await getDb().upload.aggregate({
    where: { uploadRequestId: request.id, status: { in: ["PENDING", "COMPLETED"] } },
    _count: true,
    _sum: { size: true },
  })
  return {
    title,
    message,
    expiresAt,
    maxFiles,
    allowedTypes,
    maxFileSize: Number(request.maxFileSize),
    maxTotalSize: Number(request.maxTotalSize),
    filesLeft: Math.max(0, maxFiles - sent._count),
    bytesLeft: Math.max(0, Number(request.maxTotalSize) - Number(sent._sum.size ?? 0n)),
    passwordRequired: request.passwordHash !== null,
    state: stateOf(request),
  }
}

export type PublicUploadRequest = NonNullable<Awaited<ReturnType<typeof describeUploadRequest>>>

type OpenRequest = NonNullable<Awaited<ReturnType<typeof findByToken>>>

/** 404 for an unknown link, 410 once closed or expired (checked on every call, sessions included). */
async function findOpenRequest(token: string): Promise<OpenRequest> {
  const request = await findByToken(token)
  if (!request) throw new ApiError("not_found", "This upload link does not exist")
  if (stateOf(request) !== "open") throw new ApiError("request_closed", "This upload link is closed")
  return request
}

/** The argon2 check of a link's password, rate limited per link and address. */
async function checkRequestPassword(
  request: { id: string; passwordHash: string },
  password: string | null | undefined,
  ip: string,
) {
  if (!password) throw new ApiError("password_required", "This link needs a password")
  const perLinkKey = `upload-request-password:${request.id}:ip:${ip}`
  await enforceRateLimits(
    [
      { key: perLinkKey, ...RATE_LIMITS.linkPasswordPerLinkAndIp },
      { key: `upload-request-password:ip:${ip}`, ...RATE_LIMITS.linkPasswordPerIp },
    ],
    "Too many password attempts",
  )
  if (!(await verifyPassword(request.passwordHash, password)))
    throw new ApiError("wrong_password", "The password is not right")
  await resetRateLimit(perLinkKey)
}

/**
 * After the right password, an upload session for the sender (lib/upload-sessions.ts): sent back
 * in a header, it replaces the password on every further call, so hashing happens once.
 */
export async function unlockUploadRequest(input: {
  token: string
  password: string
  ip: string
}): Promise<UploadSession> {
  const request = await findOpenRequest(input.token)
  if (request.passwordHash)
    await checkRequestPassword({ id: request.id, passwordHash: request.passwordHash }, input.password, input.ip)
  return mintUploadSession(request)
}

/**
 * The uploader behind a request to /api/r/<token>/…: 404 for an unknown link, 410 once closed or
 * expired. A link with a password needs a live upload session for it (401 otherwise, never hashed)
 * or, for API clients, the password itself (hashed, attempts rate limited per link and address).
 * `renewedSession` is set when the session used is past half its life.
 */
export async function resolveRequestUploader(input: {
  token: string
  password?: string | null
  session?: string | null
  ip: string
}): Promise<RequestUploader & { renewedSession?: UploadSession }> {
  const request = await findOpenRequest(input.token)
  let renewedSession: UploadSession | undefined
  if (request.passwordHash && input.session) {
    const expiresAt = verifyUploadSession(input.session, request)
    if (!expiresAt)
      throw new ApiError("invalid_upload_session", "This upload session has ended; enter the password again")
    if (needsRenewal(expiresAt)) renewedSession = mintUploadSession(request)
  } else if (request.passwordHash) {
    await checkRequestPassword({ id: request.id, passwordHash: request.passwordHash }, input.password, input.ip)
  }
  return {
    via: "upload-request",
    ip: input.ip,
    renewedSession,
    request: {
      id: request.id,
      ownerId: request.ownerId,
      limits: {
        maxFiles: request.maxFiles,
        maxFileSize: Number(request.maxFileSize),
        maxTotalSize: Number(request.maxTotalSize),
        allowedTypes: request.allowedTypes,
      },
    },
  }
}
