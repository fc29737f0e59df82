/** Opening a link as a recipient: find it by token, check its state and password, log the visit. */
import { isIPv4, isIPv6 } from "node:net"
import { getDb, queryPrepared } from "@/lib/db"
import { ApiError, notFound } from "@/lib/errors"
import type { ShareEventKind } from "@/lib/generated/prisma/client"
import { verifyPassword } from "@/lib/passwords"
import { enforceRateLimits, RATE_LIMITS, resetRateLimit } from "@/lib/rate-limit"
import { isResourceId } from "@/lib/shared/validations/text"
import { shareStateOf, type ShareState } from "@/lib/share-state"
import type { ShareFileSummary } from "@/lib/shared/wire/shares"
import { hashToken, isTokenShaped } from "@/lib/tokens"
import { linkNotFound, shareGone } from "@/lib/shares/links"
import { toFileSummaries } from "@/lib/shares/owner"
import { unlockParts, verifySigned, verifyZipTicket } from "@/lib/shares/signed"

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

export type LinkFile = {
  file: { id: string; name: string; size: bigint; contentType: string; objectKey: string; snapshotId: string | null }
}
export type LinkRow = {
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
export async function findShareByToken(token: string): Promise<LinkRow | null> {
  // A malformed token cannot match anything; no need to ask the database.
  if (!isTokenShaped(token)) return null
  const { rows } = await queryPrepared<
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
export const stateOfLink = (share: LinkRow, now = new Date()): ShareState =>
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

export async function recordShareEvent(
  shareId: string,
  kind: ShareEventKind,
  request: RecipientRequest,
  fileId?: string,
) {
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
export async function openLink(request: RecipientRequest, options: { acceptTicket?: boolean; share?: LinkRow } = {}) {
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

export function fileOf(share: LinkRow, fileId: string) {
  const file = isResourceId(fileId) ? share.files.find((row) => row.file.id === fileId)?.file : undefined
  if (!file) throw notFound("File")
  return file
}
