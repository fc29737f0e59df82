import type { AuthUser } from "@/lib/auth"
import { recordAction } from "@/lib/audit"
import { localeOrDefault } from "@/i18n/locales"
import { mailTranslator } from "@/lib/mail/templates"
import { formatBytesIn } from "@/lib/shared/format"
import { getDb } from "@/lib/db"
import { getEnv } from "@/lib/env"
import { ApiError, notFound } from "@/lib/errors"
import type { Prisma } from "@/lib/generated/prisma/client"
import {
  linkDownloadedMail,
  linkExpiresMail,
  sharedLinkMail,
  uploadRequestReceivedMail,
} from "@/lib/mail/notification-templates"
import { assertMailAvailable, MAIL_KIND } from "@/lib/mail/outbox"
import { isMailConfigured } from "@/lib/mail/transport"
import { enqueueOutbox, registerOutboxHandler } from "@/lib/outbox"
import { consumeRateLimit } from "@/lib/rate-limit"
import { isResourceId } from "@/lib/shared/validations/text"
import type { ShareRecipientsInput } from "@/lib/shared/validations/notifications"
import { emitWebhookEvent } from "@/lib/webhooks/webhooks"
import type { NotificationSettings } from "@/lib/shared/wire/account"

/**
 * Owner notifications (mail, each switchable per user and per link) and the webhook events of the
 * same moments. Mail goes through the outbox, webhooks through their deliveries table.
 */

const DOWNLOAD_DIGEST_KIND = "share-downloads"
const DAY_MS = 24 * 60 * 60 * 1000

type Tx = Prisma.TransactionClient

export type CompletedFile = { id: string; name: string; size: bigint | number; contentType: string; createdAt: Date }

const fileData = (file: CompletedFile) => ({
  id: file.id,
  name: file.name,
  size: Number(file.size),
  type: file.contentType,
  createdAt: file.createdAt.toISOString(),
})

/**
 * In the transaction that records an uploaded file: file.uploaded, and for an upload request's
 * file also upload_request.received plus the owner's mail (when switched on).
 */
export async function onFileUploaded(
  tx: Tx,
  ownerId: string,
  file: CompletedFile,
  uploadRequestId?: string,
): Promise<void> {
  await emitWebhookEvent(
    ownerId,
    "file.uploaded",
    { file: fileData(file), via: uploadRequestId ? "upload_request" : "owner" },
    tx,
  )
  if (!uploadRequestId) return
  const request = await tx.uploadRequest.findUnique({
    where: { id: uploadRequestId },
    select: {
      id: true,
      title: true,
      owner: { select: { email: true, notifyUploadRequests: true, locale: true } },
    },
  })
  if (!request) return
  await emitWebhookEvent(
    ownerId,
    "upload_request.received",
    { uploadRequest: { id: request.id, title: request.title }, file: fileData(file) },
    tx,
  )
  if (request.owner.notifyUploadRequests && isMailConfigured()) {
    const locale = localeOrDefault(request.owner.locale)
    const mail = uploadRequestReceivedMail(locale, request.owner.email, {
      appUrl: getEnv().APP_URL,
      requestName: request.title,
      fileName: file.name,
      size: formatBytesIn(locale, Number(file.size)),
    })
    await enqueueOutbox(MAIL_KIND, mail, tx)
  }
}

export type ShareEventSummary = {
  id: string
  title: string | null
  files: { id: string; name: string; size: number; type: string }[]
  expiresAt: Date | null
  maxDownloads: number | null
}

const shareData = (share: ShareEventSummary) => ({
  id: share.id,
  title: share.title,
  files: share.files,
  expiresAt: share.expiresAt?.toISOString() ?? null,
  maxDownloads: share.maxDownloads,
})

export const onShareCreated = (tx: Tx, ownerId: string, share: ShareEventSummary) =>
  emitWebhookEvent(ownerId, "share.created", { share: shareData(share) }, tx)

export const onShareRevoked = (
  tx: Tx,
  ownerId: string,
  shareId: string,
  revokedBy: "owner" | "admin" | "file_deleted",
) => emitWebhookEvent(ownerId, "share.revoked", { share: { id: shareId }, revokedBy }, tx)

export const SHARE_DOWNLOADED_EVENT = "share.downloaded"

/**
 * After a counted download (one file, or a whole "download all"): the share.downloaded event and
 * the owner's digest mail, at most one per link per DOWNLOAD_MAIL_INTERVAL_SECONDS. The flag
 * downloadMailPending is set by a conditional update, so concurrent downloads queue one mail.
 */
export async function onShareDownloaded(
  shareId: string,
  input: { kind: "file" | "all"; file?: { id: string; name: string } },
  /**
   * The link as the counting statement returned it, when the caller has it: saves reading it again.
   * With `hooked` (the owner has a live webhook for the event) and `mailDue` (the link and its owner
   * want digests and none is pending) false, the step they guard needs no query; both are
   * re-checked where they act, so a webhook or setting changed meanwhile is caught next time.
   */
  counted?: {
    id: string
    ownerId: string
    title: string | null
    downloads: number
    maxDownloads: number | null
    hooked?: boolean
    mailDue?: boolean
  },
): Promise<void> {
  const db = getDb()
  const share =
    counted ??
    (await db.share.findUnique({
      where: { id: shareId },
      select: { id: true, ownerId: true, title: true, downloads: true, maxDownloads: true },
    }))
  if (!share) return
  if (counted?.hooked !== false)
    await emitWebhookEvent(share.ownerId, SHARE_DOWNLOADED_EVENT, {
      share: { id: share.id, title: share.title, downloads: share.downloads, maxDownloads: share.maxDownloads },
      kind: input.kind,
      ...(input.file ? { file: input.file } : {}),
    })
  if (!isMailConfigured() || counted?.mailDue === false) return
  await db.$transaction(async (tx) => {
    const { count } = await tx.share.updateMany({
      where: { id: shareId, downloadMailPending: false, notifyDownloads: true, owner: { notifyDownloads: true } },
      data: { downloadMailPending: true },
    })
    if (count === 0) return
    const { downloadsNotifiedAt } = await tx.share.findUniqueOrThrow({
      where: { id: shareId },
      select: { downloadsNotifiedAt: true },
    })
    const due = downloadsNotifiedAt ? downloadsNotifiedAt.getTime() + getEnv().DOWNLOAD_MAIL_INTERVAL_SECONDS * 1000 : 0
    await tx.outboxMessage.create({
      data: { kind: DOWNLOAD_DIGEST_KIND, payload: { shareId }, nextAttemptAt: new Date(Math.max(Date.now(), due)) },
    })
  })
}

/** Sends one link's download digest: every counted download since the last one, per file. */
registerOutboxHandler(DOWNLOAD_DIGEST_KIND, async (payload) => {
  const shareId = typeof payload === "object" && payload !== null && "shareId" in payload ? String(payload.shareId) : ""
  const db = getDb()
  await db.$transaction(async (tx) => {
    const share = await tx.share.findUnique({
      where: { id: shareId },
      select: {
        id: true,
        title: true,
        createdAt: true,
        downloads: true,
        notifyDownloads: true,
        downloadsNotifiedAt: true,
        owner: { select: { email: true, notifyDownloads: true, locale: true } },
        files: { orderBy: { position: "asc" }, select: { file: { select: { id: true, name: true } } } },
      },
    })
    if (!share) return
    const now = new Date()
    const since = share.downloadsNotifiedAt ?? share.createdAt
    await tx.share.update({ where: { id: share.id }, data: { downloadMailPending: false, downloadsNotifiedAt: now } })
    if (!share.notifyDownloads || !share.owner.notifyDownloads) return
    const events = await tx.shareEvent.findMany({
      where: { shareId: share.id, kind: { in: ["download", "download_all"] }, at: { gt: since, lte: now } },
      select: { kind: true, fileId: true },
    })
    if (events.length === 0) return
    const names = new Map(share.files.map(({ file }) => [file.id, file.name]))
    const locale = localeOrDefault(share.owner.locale)
    const t = mailTranslator(locale)
    // The zip is keyed by null: a file may well be named like the zip's line.
    const perFile = new Map<string | null, number>()
    for (const event of events) {
      const name =
        event.kind === "download_all" ? null : (names.get(event.fileId ?? "") ?? t("linkDownloaded.deletedFile"))
      perFile.set(name, (perFile.get(name) ?? 0) + 1)
    }
    const mail = linkDownloadedMail(locale, share.owner.email, {
      appUrl: getEnv().APP_URL,
      linkName: share.title ?? share.files[0]?.file.name ?? t("untitled"),
      downloads: events.length,
      total: share.downloads,
      files: [...perFile].map(([name, count]) => ({ name, count })),
      since,
    })
    await enqueueOutbox(MAIL_KIND, mail, tx)
  })
})

/**
 * The worker's periodic pass: "your link expires tomorrow" for links that live longer than two days,
 * expire within 24 h, and whose owner opted in. A conditional update marks each, so one mail per link
 * whichever instances run the pass.
 */
export async function remindExpiringLinks(now = new Date()): Promise<number> {
  if (!isMailConfigured()) return 0
  const db = getDb()
  const candidates = await db.share.findMany({
    where: {
      expiryNotifiedAt: null,
      notifyExpiry: true,
      revokedAt: null,
      owner: { notifyExpiry: true },
      expiresAt: { gt: now, lte: new Date(now.getTime() + DAY_MS) },
      createdAt: { lt: new Date(now.getTime() - DAY_MS) },
    },
    select: {
      id: true,
      title: true,
      expiresAt: true,
      owner: { select: { email: true, locale: true } },
      files: { take: 1, orderBy: { position: "asc" }, select: { file: { select: { name: true } } } },
    },
    take: 100,
  })
  let sent = 0
  for (const share of candidates) {
    await db.$transaction(async (tx) => {
      const { count } = await tx.share.updateMany({
        where: { id: share.id, expiryNotifiedAt: null },
        data: { expiryNotifiedAt: now },
      })
      if (count === 0 || !share.expiresAt) return
      const locale = localeOrDefault(share.owner.locale)
      const linkName = share.title ?? share.files[0]?.file.name ?? mailTranslator(locale)("untitled")
      await enqueueOutbox(
        MAIL_KIND,
        linkExpiresMail(locale, share.owner.email, { appUrl: getEnv().APP_URL, linkName, expiresAt: share.expiresAt }),
        tx,
      )
      sent++
    })
  }
  return sent
}

const shareEmailRule = (userId: string) => ({
  key: `share-email:user:${userId}`,
  limit: getEnv().SHARE_EMAIL_DAILY_LIMIT,
  windowSeconds: 24 * 60 * 60,
})

/**
 * Counts `count` addresses against the user's daily allowance, or throws 429 (and counts nothing) when
 * they do not fit, or 503 when this server has no mail. Callers charge before creating anything.
 */
export async function chargeShareEmails(user: { id: string }, count: number): Promise<void> {
  if (count === 0) return
  assertMailAvailable()
  const rule = shareEmailRule(user.id)
  const result = await consumeRateLimit(rule, count)
  if (!result.allowed) {
    // Refused sends do not count: a request of 20 at 95 of 100 must still let 5 through later.
    await consumeRateLimit(rule, -count)
    throw new ApiError("rate_limited", `You may mail links to ${rule.limit} addresses a day; try again later`, {
      "Retry-After": String(result.retryAfterSeconds),
    })
  }
}

/** Gives back a charge when what it was for did not happen (the link could not be created). */
export async function refundShareEmails(user: { id: string }, count: number): Promise<void> {
  if (count > 0) await consumeRateLimit(shareEmailRule(user.id), -count)
}

/**
 * Mails a link to up to 20 addresses (the link's own URL, never a presigned one) and records who
 * got it. Each address counts against the sender's daily allowance (SHARE_EMAIL_DAILY_LIMIT); over
 * it, 429 and nothing is sent.
 */
export async function sendShareByEmail(
  user: AuthUser,
  share: { id: string; url: string; title: string | null; firstFileName?: string },
  input: ShareRecipientsInput,
  options: { charged?: boolean } = {},
): Promise<string[]> {
  if (input.recipients.length === 0) return []
  if (!options.charged) await chargeShareEmails(user, input.recipients.length)
  const sender = user.name ? `${user.name} (${user.email})` : user.email
  await getDb().$transaction(async (tx) => {
    // The recipients have no account, so no language of their own: the mail speaks the sender's.
    const { locale: stored } = await tx.user.findUniqueOrThrow({ where: { id: user.id }, select: { locale: true } })
    const locale = localeOrDefault(stored)
    const linkName = share.title ?? share.firstFileName ?? mailTranslator(locale)("files")
    await tx.shareRecipient.createMany({ data: input.recipients.map((email) => ({ shareId: share.id, email })) })
    for (const email of input.recipients) {
      await enqueueOutbox(
        MAIL_KIND,
        sharedLinkMail(locale, email, { sender, linkName, url: share.url, message: input.recipientMessage }),
        tx,
      )
    }
  })
  return input.recipients
}

/** Who a link was mailed to (owner only), newest first, with the link's own mail switches. */
export async function listShareRecipients(
  user: AuthUser,
  shareId: string,
): Promise<{ recipients: { email: string; sentAt: string }[]; notifyDownloads: boolean; notifyExpiry: boolean }> {
  if (!isResourceId(shareId)) throw notFound("Share")
  const share = await getDb().share.findFirst({
    where: { id: shareId, ownerId: user.id },
    select: {
      notifyDownloads: true,
      notifyExpiry: true,
      recipients: { orderBy: { sentAt: "desc" }, select: { email: true, sentAt: true } },
    },
  })
  if (!share) throw notFound("Share")
  return {
    recipients: share.recipients.map((recipient) => ({
      email: recipient.email,
      sentAt: recipient.sentAt.toISOString(),
    })),
    notifyDownloads: share.notifyDownloads,
    notifyExpiry: share.notifyExpiry,
  }
}

export type { NotificationSettings }

export async function getNotificationSettings(user: { id: string }): Promise<NotificationSettings> {
  return getDb().user.findUniqueOrThrow({
    where: { id: user.id },
    select: { notifyDownloads: true, notifyUploadRequests: true, notifyExpiry: true },
  })
}

export async function updateNotificationSettings(
  user: AuthUser,
  input: Partial<NotificationSettings>,
): Promise<NotificationSettings> {
  return getDb().$transaction(async (tx) => {
    const settings = await tx.user.update({
      where: { id: user.id },
      data: input,
      select: { notifyDownloads: true, notifyUploadRequests: true, notifyExpiry: true },
    })
    await recordAction({ id: user.id, via: user.via }, { action: "account.notifications", details: input }, tx)
    return settings
  })
}

/** A link's own switches (the owner's settings must allow the mail too). */
export async function updateShareNotifications(
  user: AuthUser,
  shareId: string,
  input: { notifyDownloads?: boolean; notifyExpiry?: boolean },
): Promise<{ notifyDownloads: boolean; notifyExpiry: boolean }> {
  if (!isResourceId(shareId)) throw notFound("Share")
  const { count } = await getDb().share.updateMany({ where: { id: shareId, ownerId: user.id }, data: input })
  if (count === 0) throw notFound("Share")
  return getDb().share.findUniqueOrThrow({
    where: { id: shareId },
    select: { notifyDownloads: true, notifyExpiry: true },
  })
}
