/** What a recipient gets through a link: counted downloads, previews, "download all", each as a fresh short key. */
import { randomUUID } from "node:crypto"
import { recordMintedKeys, type AuditActor } from "@/lib/audit"
import { getDb, queryPrepared } from "@/lib/db"
import { ApiError } from "@/lib/errors"
import { onShareDownloaded, SHARE_DOWNLOADED_EVENT } from "@/lib/notifications"
import { consumeRateLimit } from "@/lib/rate-limit"
import { previewContentType } from "@/lib/shared/previews"
import { countShareDownload, countShareDownloaded } from "@/lib/metrics"
import { presignGetToHandOut, presignPreview, type PresignedRequest } from "@/lib/storage"
import { activeShareWhere, shareStateOf, type ShareState } from "@/lib/share-state"
import { hashToken, isTokenShaped } from "@/lib/tokens"
import type { ShareFileSummary } from "@/lib/shared/wire/shares"
import { linkNotFound, shareGone } from "@/lib/shares/links"
import { toFileSummaries } from "@/lib/shares/owner"
import {
  type LinkFile,
  type LinkRow,
  type RecipientRequest,
  fileOf,
  findShareByToken,
  openLink,
  recordShareEvent,
  stateOfLink,
  truncateIp,
} from "@/lib/shares/recipient-link"
import {
  SHARE_UNLOCK_SECONDS,
  ZIP_TICKET_SECONDS,
  issueSigned,
  issueZipTicket,
  unlockParts,
  verifySigned,
} from "@/lib/shares/signed"

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

type CountedDownload = Omit<NonNullable<Parameters<typeof onShareDownloaded>[2]>, "id">

/**
 * The three writes of a counted download in one statement: the conditional counter UPDATE (the
 * limit's guard, DESIGN §3.7), and only if it counted, the access-log row and the minted key's
 * audit row. Returns what the share.downloaded event needs, with whether the owner has a live
 * webhook for it and whether a digest mail may be due (so most downloads need no query after this
 * one), or null when nothing was counted (revoked, expired or used up meanwhile); then nothing was
 * written and the key is never handed out.
 */
async function countDownloadWithKey(
  share: LinkRow,
  file: LinkFile["file"],
  request: RecipientRequest,
  key: PresignedRequest,
  /** For a link known from before (countKnownLinkDownload): what the statement must find still true. */
  known?: { tokenHash: string; oneFile: boolean },
): Promise<CountedDownload | null> {
  const { rows } = await queryPrepared<CountedDownload>({
    name: "valet_count_share_download",
    text: `WITH counted AS (
             UPDATE "Share" s SET downloads = s.downloads + 1
             WHERE s.id = $1 AND s."revokedAt" IS NULL
               AND (s."expiresAt" IS NULL OR s."expiresAt" > (now() AT TIME ZONE 'UTC'))
               AND (s."maxDownloads" IS NULL OR s.downloads < s."maxDownloads")
               AND EXISTS (SELECT 1 FROM "ShareFile" sf WHERE sf."shareId" = s.id)
               AND ($10::text IS NULL OR (
                 s."tokenHash" = $10 AND s."passwordHash" IS NULL
                 AND EXISTS (SELECT 1 FROM "ShareFile" sf WHERE sf."shareId" = s.id AND sf."fileId" = $3)
                 AND (NOT $11::boolean OR (SELECT count(*) FROM "ShareFile" sf WHERE sf."shareId" = s.id) = 1)))
             RETURNING s.id, s."ownerId", s.title, s.downloads, s."maxDownloads", s."notifyDownloads", s."downloadMailPending"
           ), logged AS (
             INSERT INTO "ShareEvent" (id, "shareId", at, kind, "fileId", ip, "userAgent")
             SELECT $2, id, (now() AT TIME ZONE 'UTC'), 'download', $3, $4, $5 FROM counted
           ), audited AS (
             INSERT INTO "AuditEvent" (id, action, "actorId", via, method, "objectKey", "expiresAt", "fileId", details, "createdAt")
             SELECT $6, 'share.download', NULL, 'share', 'GET', $7, ($8::timestamptz AT TIME ZONE 'UTC'), $3,
                    jsonb_build_object('shareId', id), (now() AT TIME ZONE 'UTC')
             FROM counted
           )
           SELECT c."ownerId", c.title, c.downloads, c."maxDownloads",
                  EXISTS (SELECT 1 FROM "Webhook" w
                          WHERE w."ownerId" = c."ownerId" AND w."pausedAt" IS NULL AND $9 = ANY (w.events)) AS hooked,
                  (c."notifyDownloads" AND NOT c."downloadMailPending"
                   AND EXISTS (SELECT 1 FROM "User" u WHERE u.id = c."ownerId" AND u."notifyDownloads")) AS "mailDue"
           FROM counted c`,
    values: [
      share.id,
      randomUUID(),
      file.id,
      truncateIp(request.ip),
      request.userAgent?.slice(0, 512) || null,
      randomUUID(),
      file.objectKey,
      key.expiresAt.toISOString(),
      SHARE_DOWNLOADED_EVENT,
      known?.tokenHash ?? null,
      known?.oneFile ?? false,
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
 * Links this process counted a download of, by token hash, as they were then: active and without
 * a password. A link's files never change their key, name or type, so the hint can only go dead
 * (a link revoked, expired, used up, given a password, or its file removed), never wrong:
 * countKnownLinkDownload signs from it, and its one statement checks all of that again before it
 * counts. Bounded; the oldest entry leaves first.
 */
const knownLinks = new Map<string, LinkRow>()
const KNOWN_LINKS_MAX = 5_000

function rememberLink(token: string, share: LinkRow) {
  if (share.passwordHash !== null) return
  const tokenHash = hashToken(token)
  knownLinks.delete(tokenHash)
  if (knownLinks.size >= KNOWN_LINKS_MAX) {
    const oldest = knownLinks.keys().next().value
    if (oldest !== undefined) knownLinks.delete(oldest)
  }
  knownLinks.set(tokenHash, share)
}

/**
 * A counted download of a known link (knownLinks) in one database round trip instead of two: the
 * key is signed from the hint, then the counting statement, with the link's token, its lack of a
 * password, the file's place in it (and for the one-file route, that it is the only one) among its
 * conditions, counts, logs and audits. Null when the link is not known, the request brings a
 * password or a ticket, or the statement counted nothing (then nothing was written, the key is
 * dropped unseen, the hint forgotten, and the caller goes the long way, which says why).
 */
async function countKnownLinkDownload(
  request: RecipientRequest,
  which: { fileId: string } | "only file",
): Promise<ShareFileDownload | null> {
  if (request.password !== undefined || request.ticket !== undefined || !isTokenShaped(request.token)) return null
  const tokenHash = hashToken(request.token)
  const share = knownLinks.get(tokenHash)
  if (!share) return null
  const file =
    which === "only file"
      ? share.files.length === 1
        ? share.files[0]?.file
        : undefined
      : share.files.find((row) => row.file.id === which.fileId)?.file
  if (!file) return null
  const { key: get, handOut } = await presignGetToHandOut({
    key: file.objectKey,
    filename: file.name,
    contentType: file.contentType,
    version: file.snapshotId,
  })
  const counted = await countDownloadWithKey(share, file, request, get, { tokenHash, oneFile: which === "only file" })
  if (!counted) {
    knownLinks.delete(tokenHash)
    return null
  }
  handOut()
  countShareDownloaded("file")
  await onShareDownloaded(
    share.id,
    { kind: "file", file: { id: file.id, name: file.name } },
    { id: share.id, ...counted },
  )
  return { ...get, remainingDownloads: counted.maxDownloads === null ? null : counted.maxDownloads - counted.downloads }
}

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
  const known = opened ? null : await countKnownLinkDownload(request, { fileId: request.fileId })
  if (known) return known
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
  const { key: get, handOut } = await presignGetToHandOut({
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
    handOut()
    const remainingDownloads = share.maxDownloads === null ? null : share.maxDownloads - share.downloads
    return { get: { ...get, remainingDownloads }, viaTicket: true }
  }
  const counted = await countDownloadWithKey(share, file, request, get)
  if (!counted) throw await refusedDownload(share.id)
  handOut()
  rememberLink(request.token, share)
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
  const known = await countKnownLinkDownload({ ...input, userAgent: null }, "only file")
  if (known) return known
  const { share, file } = await countShareDownload(null, findRedeemableLink(input.token))
  return downloadShareFile(
    { token: input.token, fileId: file.id, password: input.password, ip: input.ip, userAgent: null },
    share,
  )
}
