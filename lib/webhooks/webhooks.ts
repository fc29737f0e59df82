import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomUUID } from "node:crypto"
import { recordAction } from "@/lib/audit"
import type { AuthUser } from "@/lib/auth"
import { getDb } from "@/lib/db"
import { getEnv } from "@/lib/env"
import { ApiError, notFound } from "@/lib/errors"
import type { Prisma } from "@/lib/generated/prisma/client"
import {
  WEBHOOK_TEST_EVENT,
  type WebhookDeliverySummary,
  type WebhookEvent,
  type WebhookSummary,
} from "@/lib/shared/webhooks"
import { isResourceId } from "@/lib/shared/validations/text"
import { webhookUrlProblem } from "@/lib/webhooks/send"

/** Enough for a chat bridge, an automation and a spare; more is a runaway script. */
export const MAX_WEBHOOKS_PER_USER = 10

const sealKey = () => Buffer.from(hkdfSync("sha256", getEnv().AUTH_SECRET, "", "valet webhook secret seal", 32))

function sealSecret(secret: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv("aes-256-gcm", sealKey(), iv)
  const sealed = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()])
  return [iv, sealed, cipher.getAuthTag()].map((part) => part.toString("base64url")).join(".")
}

/** The signing secret; throws when AUTH_SECRET changed (deliveries then fail visibly). */
export function unsealSecret(sealed: string): string {
  const [iv = "", data = "", tag = ""] = sealed.split(".")
  const decipher = createDecipheriv("aes-256-gcm", sealKey(), Buffer.from(iv, "base64url"))
  decipher.setAuthTag(Buffer.from(tag, "base64url"))
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8")
}

const WEBHOOK_SELECT = {
  id: true,
  url: true,
  events: true,
  createdAt: true,
  failingSince: true,
  pausedAt: true,
} as const
type WebhookRow = Prisma.WebhookGetPayload<{ select: typeof WEBHOOK_SELECT }>

export const toWebhookSummary = (row: WebhookRow): WebhookSummary => ({
  id: row.id,
  url: row.url,
  events: row.events as WebhookEvent[],
  createdAt: row.createdAt.toISOString(),
  failingSince: row.failingSince?.toISOString() ?? null,
  pausedAt: row.pausedAt?.toISOString() ?? null,
})

/** Registers a webhook; the secret is returned here only, once. 400 for a URL that can never be one. */
export async function createWebhook(
  user: AuthUser,
  input: { url: string; events: WebhookEvent[] },
): Promise<WebhookSummary & { secret: string }> {
  const problem = webhookUrlProblem(input.url, getEnv().WEBHOOK_ALLOWED_HOSTS)
  if (problem) throw new ApiError("webhook_url_forbidden", `The webhook URL ${problem}`)
  const secret = `whsec_${randomBytes(32).toString("base64url")}`
  const db = getDb()
  const created = await db.$transaction(async (tx) => {
    // Serialises a user's concurrent creations so the cap holds.
    await tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${user.id} FOR UPDATE`
    const count = await tx.webhook.count({ where: { ownerId: user.id } })
    if (count >= MAX_WEBHOOKS_PER_USER) {
      throw new ApiError("webhook_limit", `An account may hold ${MAX_WEBHOOKS_PER_USER} webhooks; delete one first`)
    }
    const webhook = await tx.webhook.create({
      data: { ownerId: user.id, url: input.url, events: [...new Set(input.events)], secretSealed: sealSecret(secret) },
      select: WEBHOOK_SELECT,
    })
    await recordAction(
      { id: user.id, via: user.via },
      { action: "webhook.create", details: { webhookId: webhook.id, url: webhook.url } },
      tx,
    )
    return webhook
  })
  return { ...toWebhookSummary(created), secret }
}

export async function listWebhooks(user: { id: string }): Promise<WebhookSummary[]> {
  const rows = await getDb().webhook.findMany({
    where: { ownerId: user.id },
    orderBy: { createdAt: "asc" },
    select: WEBHOOK_SELECT,
  })
  return rows.map(toWebhookSummary)
}

async function findOwnWebhook(user: AuthUser, webhookId: string) {
  if (!isResourceId(webhookId)) throw notFound("Webhook")
  const webhook = await getDb().webhook.findFirst({ where: { id: webhookId, ownerId: user.id }, select: { id: true } })
  if (!webhook) throw notFound("Webhook")
  return webhook
}

/** Deletes a webhook with its pending deliveries and log. */
export async function deleteWebhook(user: AuthUser, webhookId: string): Promise<void> {
  if (!isResourceId(webhookId)) throw notFound("Webhook")
  await getDb().$transaction(async (tx) => {
    const webhook = await tx.webhook.findFirst({ where: { id: webhookId, ownerId: user.id }, select: { url: true } })
    if (!webhook) throw notFound("Webhook")
    await tx.webhook.delete({ where: { id: webhookId } })
    await recordAction(
      { id: user.id, via: user.via },
      { action: "webhook.delete", details: { webhookId, url: webhook.url } },
      tx,
    )
  })
}

/** The latest deliveries of a webhook with every attempt, newest first. */
export async function listWebhookDeliveries(
  user: AuthUser,
  webhookId: string,
  limit = 50,
): Promise<WebhookDeliverySummary[]> {
  const webhook = await findOwnWebhook(user, webhookId)
  const rows = await getDb().webhookDelivery.findMany({
    where: { webhookId: webhook.id },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: {
      id: true,
      eventId: true,
      type: true,
      status: true,
      attempts: true,
      createdAt: true,
      deliveredAt: true,
      nextAttemptAt: true,
      log: {
        orderBy: { startedAt: "asc" },
        select: { startedAt: true, statusCode: true, latencyMs: true, error: true },
      },
    },
  })
  return rows.map((row) => ({
    id: row.id,
    eventId: row.eventId,
    type: row.type,
    status: row.status as WebhookDeliverySummary["status"],
    attempts: row.attempts,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt.toISOString() : null,
    log: row.log.map((attempt) => ({
      at: attempt.startedAt.toISOString(),
      statusCode: attempt.statusCode,
      latencyMs: attempt.latencyMs,
      error: attempt.error,
    })),
  }))
}

type EventBody = { id: string; type: string; createdAt: string; data: Prisma.InputJsonValue }

function eventBody(type: string, data: Prisma.InputJsonValue): EventBody {
  return { id: `evt_${randomUUID()}`, type, createdAt: new Date().toISOString(), data }
}

/** Queues a test delivery to one webhook (paused or not: testing is how an owner checks a fix). */
export async function testWebhook(user: AuthUser, webhookId: string): Promise<{ deliveryId: string; eventId: string }> {
  const webhook = await findOwnWebhook(user, webhookId)
  const body = eventBody(WEBHOOK_TEST_EVENT, { message: "A test delivery from Valet" })
  const db = getDb()
  // A test un-pauses: the owner says the receiver works again; a failure pauses it again later.
  const delivery = await db.$transaction(async (tx) => {
    await tx.webhook.update({ where: { id: webhook.id }, data: { pausedAt: null, failingSince: null } })
    return tx.webhookDelivery.create({
      data: { webhookId: webhook.id, eventId: body.id, type: body.type, payload: body },
      select: { id: true },
    })
  })
  return { deliveryId: delivery.id, eventId: body.id }
}

type Db = Pick<Prisma.TransactionClient, "webhook" | "webhookDelivery">

/**
 * Whether the account has a live (unpaused) webhook for this event. A batch completion checks once
 * and, without one, records its files in one statement (no delivery row to write with each); a
 * webhook created meanwhile misses that batch as it would miss a file recorded a moment before.
 */
export async function hasLiveWebhook(ownerId: string, type: WebhookEvent, db: Db = getDb()): Promise<boolean> {
  return (await db.webhook.count({ where: { ownerId, pausedAt: null, events: { has: type } } })) > 0
}

/**
 * Fires an event for an owner: one delivery per live webhook subscribed to it, written in the
 * caller's transaction when given one (so the event exists exactly when the change does).
 * `data` is a summary: never an object key, a presigned URL or a link token.
 */
export async function emitWebhookEvent(
  ownerId: string,
  type: WebhookEvent,
  data: Prisma.InputJsonValue,
  db: Db = getDb(),
): Promise<number> {
  const hooks = await db.webhook.findMany({
    where: { ownerId, pausedAt: null, events: { has: type } },
    select: { id: true },
  })
  if (hooks.length === 0) return 0
  const body = eventBody(type, data)
  await db.webhookDelivery.createMany({
    data: hooks.map((hook) => ({ webhookId: hook.id, eventId: body.id, type, payload: body })),
  })
  return hooks.length
}
