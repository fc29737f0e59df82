import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  randomUUID,
  timingSafeEqual,
} from "node:crypto"
import { isIPv4, isIPv6 } from "node:net"
import type { AuthUser } from "@/lib/auth"
import { recordAction, recordMintedKeys, type AuditActor } from "@/lib/audit"
import { getDb, getPool } from "@/lib/db"
import { getEnv } from "@/lib/env"
import { ApiError, notFound } from "@/lib/errors"
import type { Prisma, ShareEventKind } from "@/lib/generated/prisma/client"
import { onShareCreated, onShareDownloaded, onShareRevoked } from "@/lib/notifications"
import { hashPassword, verifyPassword } from "@/lib/passwords"
import { consumeRateLimit, enforceRateLimits, RATE_LIMITS, resetRateLimit } from "@/lib/rate-limit"
import { previewContentType } from "@/lib/shared/previews"
import { countShareDownload, countShareDownloaded } from "@/lib/metrics"
import { presignGet, presignPreview, type PresignedRequest } from "@/lib/storage"
import type { CreateShareInput, UpdateShareInput } from "@/lib/shared/validations/shares"
import { isResourceId } from "@/lib/shared/validations/text"
import { activeShareWhere, shareStateOf, type ShareState } from "@/lib/share-state"
import type { ShareFileSummary, ShareSummary } from "@/lib/shared/wire/shares"
import { hashToken, isTokenShaped, mintToken } from "@/lib/tokens"

export type { ShareFileSummary, ShareState, ShareSummary }

/** What the public share page may show about a link. */
export type PublicShare =
  | {
      state: "active"
      id: string
      title: string | null
      message: string | null
      files: ShareFileSummary[]
      totalSize: number
      expiresAt: Date | null
      remainingDownloads: number | null
      hasPassword: boolean
    }
  | { state: Exclude<ShareState, "active"> }

const sealKey = () => Buffer.from(hkdfSync("sha256", getEnv().AUTH_SECRET, "", "valet share link seal", 32))

/** The token, encrypted so only this server can give its owner the link again. */
export function sealShareToken(token: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv("aes-256-gcm", sealKey(), iv)
  const sealed = Buffer.concat([cipher.update(token, "utf8"), cipher.final()])
  return [iv, sealed, cipher.getAuthTag()].map((part) => part.toString("base64url")).join(".")
}

/** The link's URL from its sealed token, or null (an older link, or a changed AUTH_SECRET). */
export function unsealShareUrl(sealed: string | null): string | null {
  if (!sealed) return null
  try {
    const [iv = "", data = "", tag = ""] = sealed.split(".")
    const decipher = createDecipheriv("aes-256-gcm", sealKey(), Buffer.from(iv, "base64url"))
    decipher.setAuthTag(Buffer.from(tag, "base64url"))
    const token = Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8")
    return isTokenShaped(token) ? shareUrl(token) : null
  } catch {
    return null
  }
}

export const shareUrl = (token: string) => new URL(`/s/${token}`, getEnv().APP_URL).toString()

const GONE_MESSAGES: Record<Exclude<ShareState, "active">, string> = {
  revoked: "This link was revoked",
  expired: "This link has expired",
  used_up: "This link has reached its download limit",
}

export const shareGone = (state: Exclude<ShareState, "active">) => new ApiError(`share_${state}`, GONE_MESSAGES[state])

const linkNotFound = () => new ApiError("not_found", "This link does not exist")

const SHARE_FILES_SELECT = {
  orderBy: { position: "asc" },
  select: { file: { select: { id: true, name: true, size: true, contentType: true } } },
} as const

export const SHARE_SUMMARY_SELECT = {
  id: true,
  title: true,
  message: true,
  passwordHash: true,
  expiresAt: true,
  maxDownloads: true,
  downloads: true,
  revokedAt: true,
  createdAt: true,
  files: SHARE_FILES_SELECT,
} as const

type SummaryRow = Prisma.ShareGetPayload<{ select: typeof SHARE_SUMMARY_SELECT }>

type FileRow = { file: { id: string; name: string; size: bigint; contentType: string } }

const toFileSummaries = (rows: FileRow[]): ShareFileSummary[] =>
  rows.map(({ file }) => ({ id: file.id, name: file.name, size: Number(file.size), type: file.contentType }))

/** What owners and admins see of a link. A link that holds no file any more reads as revoked. */
export function toShareSummary(share: SummaryRow, now = new Date()): ShareSummary {
  const files = toFileSummaries(share.files)
  return {
    id: share.id,
    title: share.title,
    message: share.message,
    fileId: files[0]?.id ?? null,
    fileName: files[0]?.name ?? null,
    files,
    totalSize: files.reduce((sum, file) => sum + file.size, 0),
    state: files.length === 0 ? "revoked" : shareStateOf(share, now),
    expiresAt: share.expiresAt,
    maxDownloads: share.maxDownloads,
    downloads: share.downloads,
    hasPassword: share.passwordHash !== null,
    createdAt: share.createdAt,
    revokedAt: share.revokedAt,
  }
}

/** When a new link stops working: the requested lifetime, the default, or never, within the cap. */
function expiryFor(expiresIn: number | null | undefined, now: Date): Date | null {
  const env = getEnv()
  const max = env.SHARE_MAX_EXPIRY_SECONDS
  if (expiresIn === null) {
    if (max !== undefined)
      throw new ApiError("share_expiry_too_long", `Links must expire within ${max} seconds on this server`)
    return null
  }
  if (expiresIn !== undefined && max !== undefined && expiresIn > max) {
    throw new ApiError("share_expiry_too_long", `Links must expire within ${max} seconds on this server`)
  }
  const seconds = expiresIn ?? Math.min(env.SHARE_DEFAULT_EXPIRY_SECONDS, max ?? Number.POSITIVE_INFINITY)
  return new Date(now.getTime() + seconds * 1000)
}

/**
 * Creates a link to 1..500 of the user's files, in the order given. Every id must be the caller's
 * file, else 404 and nothing is created. The URL (with the token) is returned only here, once.
 */
export async function createShare(
  user: AuthUser,
  input: CreateShareInput & { fileIds: string[]; title?: string; message?: string },
): Promise<ShareSummary & { url: string }> {
  const now = new Date()
  const expiresAt = expiryFor(input.expiresIn, now)
  const fileIds = [...new Set(input.fileIds)]
  if (fileIds.length === 0 || !fileIds.every(isResourceId)) throw notFound("File")
  const db = getDb()
  const owned = await db.file.findMany({
    where: { id: { in: fileIds }, ownerId: user.id },
    select: { id: true, name: true },
  })
  if (owned.length !== fileIds.length) throw notFound("File")
  const firstName = owned.find((file) => file.id === fileIds[0])?.name
  const token = mintToken()
  const passwordHash = input.password ? await hashPassword(input.password) : null
  const share = await db.$transaction(async (tx) => {
    const created = await tx.share.create({
      data: {
        ownerId: user.id,
        title: input.title ?? null,
        message: input.message ?? null,
        tokenHash: hashToken(token),
        tokenSealed: sealShareToken(token),
        passwordHash,
        expiresAt,
        maxDownloads: input.maxDownloads ?? null,
        // A file deleted between the count and here fails the foreign key: the transaction rolls back.
        files: { create: fileIds.map((fileId, position) => ({ fileId, position })) },
      },
      select: SHARE_SUMMARY_SELECT,
    })
    await recordAction(
      { id: user.id, via: user.via },
      {
        action: "share.create",
        fileId: fileIds[0],
        details: {
          shareId: created.id,
          files: fileIds.length,
          fileName: firstName ?? null,
          expiresAt: expiresAt?.toISOString() ?? null,
          maxDownloads: input.maxDownloads ?? null,
          password: Boolean(input.password),
        },
      },
      tx,
    )
    await onShareCreated(tx, user.id, { ...created, files: toFileSummaries(created.files) })
    return created
  })
  return { ...toShareSummary(share, now), url: shareUrl(token) }
}

/** The share an owner (or any, for an admin) may manage, or a 404. */
async function findManagedShare(user: AuthUser, shareId: string) {
  if (!isResourceId(shareId)) throw notFound("Share")
  const share = await getDb().share.findFirst({
    where: user.role === "ADMIN" ? { id: shareId } : { id: shareId, ownerId: user.id },
    select: { id: true, ownerId: true, createdAt: true },
  })
  if (!share) throw notFound("Share")
  return share
}

/**
 * Edits a live link: title, message, expiry (counted from now, as at creation), download limit
 * and password (null removes it). A revoked, expired or used-up link cannot be edited back to life
 * (409 share_not_active); lowering the limit below the downloads already made uses the link up.
 */
export async function updateShare(user: AuthUser, shareId: string, input: UpdateShareInput): Promise<ShareSummary> {
  const found = await findManagedShare(user, shareId)
  const now = new Date()
  const db = getDb()
  const data: Prisma.ShareUpdateManyMutationInput = {}
  if (input.title !== undefined) data.title = input.title
  if (input.message !== undefined) data.message = input.message
  if (input.expiresIn !== undefined) data.expiresAt = expiryFor(input.expiresIn, now)
  if (input.maxDownloads !== undefined) data.maxDownloads = input.maxDownloads
  if (input.password !== undefined)
    data.passwordHash = input.password === null ? null : await hashPassword(input.password)
  // Conditional on the link being active, so an edit racing a revocation cannot revive it.
  const { count } = await db.share.updateMany({ where: { id: found.id, ...activeShareWhere(now) }, data })
  if (count === 0) throw new ApiError("share_not_active", "Only a live link can be edited")
  await recordAction(
    { id: user.id, via: user.via },
    { action: "share.update", details: { shareId: found.id, ownerId: found.ownerId, fields: Object.keys(data) } },
  )
  const share = await db.share.findUniqueOrThrow({ where: { id: found.id }, select: SHARE_SUMMARY_SELECT })
  return toShareSummary(share, now)
}

export type ShareEventRow = {
  id: string
  at: Date
  kind: ShareEventKind
  fileId: string | null
  ip: string
  userAgent: string | null
}

/** A link with a page of its access log, newest first. */
export async function getShareDetail(
  user: AuthUser,
  shareId: string,
  page: { cursor?: string; limit: number },
): Promise<{ share: ShareSummary & { url: string | null }; events: ShareEventRow[]; nextCursor: string | null }> {
  const found = await findManagedShare(user, shareId)
  const db = getDb()
  const [share, rows] = await Promise.all([
    db.share.findUniqueOrThrow({
      where: { id: found.id },
      select: { ...SHARE_SUMMARY_SELECT, ownerId: true, tokenSealed: true },
    }),
    db.shareEvent.findMany({
      where: { shareId: found.id },
      orderBy: [{ at: "desc" }, { id: "desc" }],
      take: page.limit + 1,
      ...(page.cursor ? { cursor: { id: page.cursor }, skip: 1 } : {}),
      select: { id: true, at: true, kind: true, fileId: true, ip: true, userAgent: true },
    }),
  ])
  const events = rows.slice(0, page.limit)
  const { ownerId, tokenSealed, ...summary } = share
  const url = ownerId === user.id ? unsealShareUrl(tokenSealed) : null
  return {
    share: { ...toShareSummary(summary), url },
    events,
    nextCursor: rows.length > page.limit ? (events.at(-1)?.id ?? null) : null,
  }
}

/** The user's links, newest first, optionally for one file; links of deleted files stay listed as revoked. */
export async function listShares(
  user: AuthUser,
  filter: { fileId?: string } = {},
): Promise<(ShareSummary & { url: string | null })[]> {
  const db = getDb()
  // One file's links: the file must be the caller's, or the answer is a 404 like everywhere else
  // (an empty list would be the same for "not yours" and "no links", but not for "no such file").
  if (
    filter.fileId !== undefined &&
    (!isResourceId(filter.fileId) ||
      !(await db.file.findFirst({ where: { id: filter.fileId, ownerId: user.id }, select: { id: true } })))
  ) {
    throw notFound("File")
  }
  const shares = await db.share.findMany({
    where: { ownerId: user.id, ...(filter.fileId ? { files: { some: { fileId: filter.fileId } } } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 500,
    select: { ...SHARE_SUMMARY_SELECT, tokenSealed: true },
  })
  const now = new Date()
  // Only the owner gets the link again (this list is the owner's own); admins manage, not share.
  return shares.map(({ tokenSealed, ...share }) => ({
    ...toShareSummary(share, now),
    url: unsealShareUrl(tokenSealed),
  }))
}

/**
 * Revokes a link: its owner's, or any for an admin. Takes effect on the next request, since every
 * download goes through redeemShare. Revoking twice is a no-op; the first revocation gets an audit
 * row saying who did it.
 */
export async function revokeShare(user: AuthUser, shareId: string): Promise<void> {
  if (!isResourceId(shareId)) throw notFound("Share")
  const db = getDb()
  const share = await db.share.findFirst({
    where: user.role === "ADMIN" ? { id: shareId } : { id: shareId, ownerId: user.id },
    select: { id: true, ownerId: true, files: { take: 1, orderBy: { position: "asc" }, select: { fileId: true } } },
  })
  if (!share) throw notFound("Share")
  const fileId = share.files[0]?.fileId
  await db.$transaction(async (tx) => {
    const { count } = await tx.share.updateMany({
      where: { id: share.id, revokedAt: null },
      data: { revokedAt: new Date(), revokedById: user.id },
    })
    if (count === 0) return
    await recordAction(
      { id: user.id, via: user.via },
      { action: "share.revoke", fileId, details: { shareId: share.id, ownerId: share.ownerId } },
      tx,
    )
    await onShareRevoked(tx, share.ownerId, share.id, share.ownerId === user.id ? "owner" : "admin")
  })
}

type LinkFile = {
  file: { id: string; name: string; size: bigint; contentType: string; objectKey: string; snapshotId: string | null }
}
type LinkRow = {
  id: string
  title: string | null
  message: string | null
  passwordHash: string | null
  expiresAt: Date | null
  maxDownloads: number | null
  downloads: number
  revokedAt: Date | null
  /** In the link's order. */
  files: LinkFile[]
}

/**
 * A link and its files by token: the first query of every recipient request (page, download,
 * preview), so one named prepared statement with the files aggregated in it, not Prisma's one
 * query per relation. Times come back as epoch milliseconds (Prisma stores UTC `timestamp`s, which
 * node-postgres would read in local time).
 */
async function findShareByToken(token: string): Promise<LinkRow | null> {
  // A malformed token cannot match anything; no need to ask the database.
  if (!isTokenShaped(token)) return null
  const { rows } = await getPool().query<
    Omit<LinkRow, "expiresAt" | "revokedAt" | "files"> & {
      expiresAtMs: number | null
      revokedAtMs: number | null
      files: (Omit<LinkFile["file"], "size"> & { size: string })[]
    }
  >({
    name: "valet_find_share_by_token",
    text: `SELECT s.id, s.title, s.message, s."passwordHash", s."maxDownloads", s.downloads,
                  (EXTRACT(EPOCH FROM s."expiresAt") * 1000)::float8 AS "expiresAtMs",
                  (EXTRACT(EPOCH FROM s."revokedAt") * 1000)::float8 AS "revokedAtMs",
                  COALESCE((SELECT json_agg(json_build_object('id', f.id, 'name', f.name, 'size', f.size::text,
                                              'contentType', f."contentType", 'objectKey', f."objectKey",
                                              'snapshotId', f."snapshotId") ORDER BY sf.position)
                            FROM "ShareFile" sf JOIN "File" f ON f.id = sf."fileId"
                            WHERE sf."shareId" = s.id), '[]'::json) AS files
           FROM "Share" s WHERE s."tokenHash" = $1`,
    values: [hashToken(token)],
  })
  const row = rows[0]
  if (!row) return null
  const { expiresAtMs, revokedAtMs, files, ...share } = row
  return {
    ...share,
    expiresAt: expiresAtMs === null ? null : new Date(expiresAtMs),
    revokedAt: revokedAtMs === null ? null : new Date(revokedAtMs),
    files: files.map((file) => ({ file: { ...file, size: BigInt(file.size) } })),
  }
}

/** A link that holds no file any more had them deleted, which revoked it. */
const stateOfLink = (share: LinkRow, now = new Date()): ShareState =>
  share.files.length === 0 ? "revoked" : shareStateOf(share, now)

/** What an anonymous visitor of `/s/:token` may learn, or null for an unknown link. */
export async function describeShare(token: string): Promise<PublicShare | null> {
  const share = await findShareByToken(token)
  if (!share) return null
  const state = stateOfLink(share)
  if (state !== "active") return { state }
  const files = toFileSummaries(share.files)
  return {
    state,
    id: share.id,
    title: share.title,
    message: share.message,
    files,
    totalSize: files.reduce((sum, file) => sum + file.size, 0),
    expiresAt: share.expiresAt,
    remainingDownloads: share.maxDownloads === null ? null : share.maxDownloads - share.downloads,
    hasPassword: share.passwordHash !== null,
  }
}

// ---------------------------------------------------------------- signed unlocks and zip tickets

/** How long a right password unlocks a link's page in one browser, so no file asks for it again. */
export const SHARE_UNLOCK_SECONDS = 30 * 60
/** How long a started "download all" may keep fetching its files (each through its own fresh key). */
export const ZIP_TICKET_SECONDS = 6 * 60 * 60
export const SHARE_UNLOCK_COOKIE = "valet_share_unlock"

function signature(purpose: string, parts: string[], expiresAt: number): string {
  return createHmac("sha256", getEnv().AUTH_SECRET)
    .update([purpose, ...parts, String(expiresAt)].join("\n"))
    .digest("base64url")
}

function issueSigned(purpose: string, parts: string[], seconds: number): string {
  const expiresAt = Math.floor(Date.now() / 1000) + seconds
  return `${expiresAt}.${signature(purpose, parts, expiresAt)}`
}

function verifySigned(purpose: string, parts: string[], value: string): boolean {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value)
  if (!match) return false
  const expiresAt = Number(match[1])
  if (expiresAt <= Date.now() / 1000) return false
  const expected = Buffer.from(signature(purpose, parts, expiresAt))
  const given = Buffer.from(match[2] ?? "")
  return expected.length === given.length && timingSafeEqual(expected, given)
}

/**
 * A "download all" ticket: a random id signed with the link. Each file may be fetched through one
 * ticket once (RateLimit rows keyed by the id, for the ticket's life), so a ticket replayed after
 * its zip cannot serve the link's files again uncounted.
 */
function issueZipTicket(shareId: string): string {
  const id = randomBytes(9).toString("base64url")
  return `${id}.${issueSigned("zip", [shareId, id], ZIP_TICKET_SECONDS)}`
}

/** The ticket's id when it is a valid ticket of this link, else null. */
function verifyZipTicket(shareId: string, ticket: string): string | null {
  const match = /^([A-Za-z0-9_-]{12})\.(.+)$/.exec(ticket)
  return match?.[1] && match[2] && verifySigned("zip", [shareId, match[1]], match[2]) ? match[1] : null
}

// The unlock is bound to the link and to its password hash: a new or removed password ends it.
const unlockParts = (share: { id: string; passwordHash: string | null }) => [share.id, share.passwordHash ?? ""]

/**
 * The unlock cookie: httpOnly, scoped to the link's own path (so it goes nowhere else), Lax, and
 * Secure on https.
 */
export function shareUnlockCookie(token: string, value: string): string {
  const secure = new URL(getEnv().APP_URL).protocol === "https:" ? "; Secure" : ""
  return `${SHARE_UNLOCK_COOKIE}=${value}; Path=/s/${token}; Max-Age=${SHARE_UNLOCK_SECONDS}; HttpOnly; SameSite=Lax${secure}`
}

/** The unlock cookie's value in a Cookie header, if any. */
export function readUnlockCookie(cookieHeader: string | null): string | undefined {
  for (const part of (cookieHeader ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=")
    if (name === SHARE_UNLOCK_COOKIE) return value.join("=")
  }
  return undefined
}

// ---------------------------------------------------------------- recipient requests

/** What a recipient's request brings: the link, who asks (for limits and the log) and its proofs. */
export type RecipientRequest = {
  token: string
  ip: string
  userAgent: string | null
  password?: string
  /** The unlock cookie's value. */
  unlock?: string
  /** A "download all" ticket. */
  ticket?: string
}

/** An IP address cut to its network (/24 IPv4, /48 IPv6) for the access log. */
export function truncateIp(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  const address = mapped?.[1] ?? ip
  if (isIPv4(address)) return `${address.split(".").slice(0, 3).join(".")}.0/24`
  if (!isIPv6(address)) return "unknown"
  const [head = "", tail = ""] = address.split("::")
  const headGroups = head ? head.split(":") : []
  const tailGroups = tail ? tail.split(":") : []
  const groups = address.includes("::")
    ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups]
    : headGroups
  const network = groups.slice(0, 3).map((group) => (parseInt(group, 16) || 0).toString(16))
  return `${network.join(":")}::/48`
}

async function recordShareEvent(shareId: string, kind: ShareEventKind, request: RecipientRequest, fileId?: string) {
  await getDb().shareEvent.create({
    data: {
      shareId,
      kind,
      fileId: fileId ?? null,
      ip: truncateIp(request.ip),
      userAgent: request.userAgent?.slice(0, 512) || null,
    },
  })
}

/** Checks a link's password with the rate limits that stop guessing; 401 missing or wrong, 429. */
async function checkPassword(share: { id: string; passwordHash: string }, password: string | undefined, ip: string) {
  if (!password) throw new ApiError("password_required", "This link needs a password")
  const perShareKey = `share-password:${share.id}:ip:${ip}`
  // Counted before the check so a guesser is stopped at the limit whatever it guesses.
  await enforceRateLimits(
    [
      { key: perShareKey, ...RATE_LIMITS.linkPasswordPerLinkAndIp },
      { key: `share-password:ip:${ip}`, ...RATE_LIMITS.linkPasswordPerIp },
    ],
    "Too many password attempts",
  )
  if (!(await verifyPassword(share.passwordHash, password)))
    throw new ApiError("wrong_password", "The password is not right")
  await resetRateLimit(perShareKey)
}

/**
 * Opens a link for one recipient request: 404 unknown, 410 revoked/expired/used up, 401/429 on
 * the password unless the unlock cookie or a zip ticket proves it was given. A valid ticket also
 * admits a used-up link: its "download all" was counted when it started, possibly as the last one.
 */
async function openLink(request: RecipientRequest, options: { acceptTicket?: boolean; share?: LinkRow } = {}) {
  const share = options.share ?? (await findShareByToken(request.token))
  if (!share) throw linkNotFound()
  const ticketId = options.acceptTicket && request.ticket ? verifyZipTicket(share.id, request.ticket) : null
  const viaTicket = ticketId !== null
  const state = stateOfLink(share)
  if (state !== "active" && !(viaTicket && state === "used_up")) throw shareGone(state)
  const unlocked = request.unlock !== undefined && verifySigned("unlock", unlockParts(share), request.unlock)
  if (share.passwordHash && !viaTicket && !unlocked)
    await checkPassword({ id: share.id, passwordHash: share.passwordHash }, request.password, request.ip)
  return { share, viaTicket, ticketId }
}

function fileOf(share: LinkRow, fileId: string) {
  const file = isResourceId(fileId) ? share.files.find((row) => row.file.id === fileId)?.file : undefined
  if (!file) throw notFound("File")
  return file
}

/**
 * Takes one download from the link's limit. One conditional UPDATE: PostgreSQL re-checks the
 * WHERE clause on the row it locks, so under any concurrency, whichever files the requests are
 * for, a limit of N admits exactly N (DESIGN §3.7).
 */
async function countDownload(shareId: string): Promise<void> {
  const { count } = await getDb().share.updateMany({
    where: { id: shareId, ...activeShareWhere(new Date()) },
    data: { downloads: { increment: 1 } },
  })
  // Something changed since the read (revoked, expired or the last download went to another request).
  if (count === 0) throw await refusedDownload(shareId)
}

/**
 * The three writes of a counted download in one statement: the conditional counter UPDATE (the
 * limit's guard, DESIGN §3.7), and only if it counted, the access-log row and the minted key's
 * audit row. Returns what the share.downloaded event needs, or null when nothing was counted
 * (revoked, expired or used up meanwhile); then nothing was written and the key is never handed out.
 */
async function countDownloadWithKey(
  share: LinkRow,
  file: LinkFile["file"],
  request: RecipientRequest,
  key: PresignedRequest,
): Promise<{ ownerId: string; title: string | null; downloads: number; maxDownloads: number | null } | null> {
  const { rows } = await getPool().query<{
    ownerId: string
    title: string | null
    downloads: number
    maxDownloads: number | null
  }>({
    name: "valet_count_share_download",
    text: `WITH counted AS (
             UPDATE "Share" s SET downloads = s.downloads + 1
             WHERE s.id = $1 AND s."revokedAt" IS NULL
               AND (s."expiresAt" IS NULL OR s."expiresAt" > (now() AT TIME ZONE 'UTC'))
               AND (s."maxDownloads" IS NULL OR s.downloads < s."maxDownloads")
               AND EXISTS (SELECT 1 FROM "ShareFile" sf WHERE sf."shareId" = s.id)
             RETURNING s.id, s."ownerId", s.title, s.downloads, s."maxDownloads"
           ), logged AS (
             INSERT INTO "ShareEvent" (id, "shareId", at, kind, "fileId", ip, "userAgent")
             SELECT $2, id, (now() AT TIME ZONE 'UTC'), 'download', $3, $4, $5 FROM counted
           ), audited AS (
             INSERT INTO "AuditEvent" (id, action, "actorId", via, method, "objectKey", "expiresAt", "fileId", details, "createdAt")
             SELECT $6, 'share.download', NULL, 'share', 'GET', $7, ($8::timestamptz AT TIME ZONE 'UTC'), $3,
                    jsonb_build_object('shareId', id), (now() AT TIME ZONE 'UTC')
             FROM counted
           )
           SELECT "ownerId", title, downloads, "maxDownloads" FROM counted`,
    values: [
      share.id,
      randomUUID(),
      file.id,
      truncateIp(request.ip),
      request.userAgent?.slice(0, 512) || null,
      randomUUID(),
      file.objectKey,
      key.expiresAt.toISOString(),
    ],
  })
  return rows[0] ?? null
}

/** Why a download was not counted after all: the link's state now (revoked if it vanished). */
async function refusedDownload(shareId: string): Promise<ApiError> {
  const current = await getDb().share.findUnique({
    where: { id: shareId },
    select: {
      revokedAt: true,
      expiresAt: true,
      maxDownloads: true,
      downloads: true,
      _count: { select: { files: true } },
    },
  })
  const latest = current && current._count.files > 0 ? shareStateOf(current) : "revoked"
  return shareGone(latest === "active" ? "used_up" : latest)
}

const SHARE_ACTOR: AuditActor = { id: null, via: "share" }

/**
 * GET|POST /s/:token/files/:fileId/download: counts one download (unless the request belongs to
 * a counted "download all") and answers a fresh short attachment GET for that one object, with the
 * downloads the link has left after it. The key is signed first (CPU only) so its audit row holds
 * its real expiry, and leaves this process only once the download was counted and recorded.
 */
type ShareFileDownload = PresignedRequest & { remainingDownloads: number | null }

export async function downloadShareFile(
  request: RecipientRequest & { fileId: string },
  opened?: LinkRow,
): Promise<ShareFileDownload> {
  const { get, viaTicket } = await countShareDownload(null, mintShareDownload(request, opened))
  // A file fetched with a "download all" ticket was counted with the zip.
  if (!viaTicket) countShareDownloaded("file")
  return get
}

async function mintShareDownload(
  request: RecipientRequest & { fileId: string },
  opened?: LinkRow,
): Promise<{ get: ShareFileDownload; viaTicket: boolean }> {
  const { share, viaTicket, ticketId } = await openLink(request, { acceptTicket: true, share: opened })
  const file = fileOf(share, request.fileId)
  if (ticketId) {
    const once = { key: `zip-ticket:${ticketId}:${file.id}`, limit: 1, windowSeconds: ZIP_TICKET_SECONDS }
    if (!(await consumeRateLimit(once)).allowed) {
      throw new ApiError("share_used_up", "This download-all ticket has already fetched this file")
    }
  }
  const get = await presignGet({
    key: file.objectKey,
    filename: file.name,
    contentType: file.contentType,
    version: file.snapshotId,
  })
  if (viaTicket) {
    await recordMintedKeys(SHARE_ACTOR, [
      {
        action: "share.download",
        method: "GET",
        objectKey: file.objectKey,
        expiresAt: get.expiresAt,
        fileId: file.id,
        details: { shareId: share.id, downloadAll: true },
      },
    ])
    const remainingDownloads = share.maxDownloads === null ? null : share.maxDownloads - share.downloads
    return { get: { ...get, remainingDownloads }, viaTicket: true }
  }
  const counted = await countDownloadWithKey(share, file, request, get)
  if (!counted) throw await refusedDownload(share.id)
  await onShareDownloaded(
    share.id,
    { kind: "file", file: { id: file.id, name: file.name } },
    { id: share.id, ...counted },
  )
  const remainingDownloads = counted.maxDownloads === null ? null : counted.maxDownloads - counted.downloads
  return { get: { ...get, remainingDownloads }, viaTicket: false }
}

/**
 * GET|POST /s/:token/files/:fileId/preview: an inline key for types that cannot run script
 * (lib/shared/previews.ts), its Content-Type pinned; 404 no_preview for anything else. Never counted.
 */
export async function previewShareFile(request: RecipientRequest & { fileId: string }): Promise<PresignedRequest> {
  const { share } = await openLink(request)
  const file = fileOf(share, request.fileId)
  const contentType = previewContentType(file.contentType)
  if (!contentType) throw new ApiError("no_preview", "This file has no preview; download it instead")
  const key = await presignPreview({ key: file.objectKey, filename: file.name, contentType, version: file.snapshotId })
  await recordShareEvent(share.id, "preview", request, file.id)
  await recordMintedKeys(SHARE_ACTOR, [
    {
      action: "share.preview",
      method: "GET",
      objectKey: file.objectKey,
      expiresAt: key.expiresAt,
      fileId: file.id,
      details: { shareId: share.id },
    },
  ])
  return key
}

/**
 * POST /s/:token/download-all: counts the whole zip as one download and hands back a ticket with
 * which the browser fetches each file (through its own fresh key) without counting again.
 */
export function startDownloadAll(
  request: RecipientRequest,
): Promise<{ ticket: string; expiresAt: Date; files: ShareFileSummary[]; remainingDownloads: number | null }> {
  return countShareDownload("all", countZipDownload(request))
}

async function countZipDownload(
  request: RecipientRequest,
): Promise<{ ticket: string; expiresAt: Date; files: ShareFileSummary[]; remainingDownloads: number | null }> {
  const { share } = await openLink(request)
  await countDownload(share.id)
  await recordShareEvent(share.id, "download_all", request)
  await onShareDownloaded(share.id, { kind: "all" })
  const ticket = issueZipTicket(share.id)
  const remaining = share.maxDownloads === null ? null : Math.max(0, share.maxDownloads - share.downloads - 1)
  return {
    ticket,
    expiresAt: new Date(Date.now() + ZIP_TICKET_SECONDS * 1000),
    files: toFileSummaries(share.files),
    remainingDownloads: remaining,
  }
}

/** POST /s/:token/unlock: a right password unlocks the link's page for SHARE_UNLOCK_SECONDS. */
export async function unlockShare(request: RecipientRequest): Promise<string> {
  const { share } = await openLink({ ...request, unlock: undefined, ticket: undefined })
  return issueSigned("unlock", unlockParts(share), SHARE_UNLOCK_SECONDS)
}

/** Whether the unlock cookie opens this link now (the page shows its files only then). */
export async function isShareUnlocked(token: string, unlock: string | undefined): Promise<boolean> {
  if (!unlock) return false
  const share = await findShareByToken(token)
  return share !== null && verifySigned("unlock", unlockParts(share), unlock)
}

/** A page view of a live link, for its access log. Never counted as a download. */
export async function recordShareView(request: RecipientRequest): Promise<void> {
  const share = await findShareByToken(request.token)
  if (share && stateOfLink(share) === "active") await recordShareEvent(share.id, "view", request)
}

/** Where the page's numbers stand now: downloads left after a download, or the link's new state. */
export async function shareStatus(
  token: string,
): Promise<{ state: ShareState; remainingDownloads: number | null } | null> {
  const share = await findShareByToken(token)
  if (!share) return null
  return {
    state: stateOfLink(share),
    remainingDownloads: share.maxDownloads === null ? null : share.maxDownloads - share.downloads,
  }
}

/** The one file of the link a token names, or the refusal the old one-file route answers. */
/** The link, read once, if it is active and holds exactly one file (the one-file route's case). */
async function findRedeemableLink(token: string) {
  const share = await findShareByToken(token)
  if (!share) throw linkNotFound()
  const state = stateOfLink(share)
  if (state !== "active") throw shareGone(state)
  const [only, ...others] = share.files
  if (!only || others.length > 0)
    throw new ApiError("share_has_many_files", "This link holds several files: download them from its page")
  return { share, file: only.file }
}

/**
 * GET|POST /s/:token/download, the one-file route from before links held several files: downloads
 * that one file; a link with several answers 409 (its page offers each file and "download all").
 */
export async function redeemShare(input: { token: string; password?: string; ip: string }): Promise<PresignedRequest> {
  const { share, file } = await countShareDownload(null, findRedeemableLink(input.token))
  return downloadShareFile(
    { token: input.token, fileId: file.id, password: input.password, ip: input.ip, userAgent: null },
    share,
  )
}
