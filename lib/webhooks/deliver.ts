import { getDb } from "@/lib/db"
import { localeOrDefault } from "@/i18n/locales"
import { getEnv } from "@/lib/env"
import { getLog } from "@/lib/log"
import type { Prisma } from "@/lib/generated/prisma/client"
import { isMailConfigured } from "@/lib/mail/transport"
import { enqueueOutbox } from "@/lib/outbox"
import { MAIL_KIND } from "@/lib/mail/outbox"
import { webhookPausedMail } from "@/lib/mail/notification-templates"
import { sendWebhook, signWebhookBody } from "@/lib/webhooks/send"
import { unsealSecret } from "@/lib/webhooks/webhooks"

const BATCH_SIZE = 10
const MAX_BACKOFF_SECONDS = 3600

/** base, 2·base, 4·base … capped at an hour, ±20 % jitter so instances do not retry in step. */
export function webhookBackoffSeconds(attempts: number, base: number, random = Math.random()): number {
  const seconds = Math.min(MAX_BACKOFF_SECONDS, base * 2 ** Math.max(0, attempts - 1))
  return seconds * (0.8 + 0.4 * random)
}

type Claimed = {
  id: string
  webhookId: string
  eventId: string
  type: string
  payload: Prisma.JsonValue
  attempts: number
  createdAt: Date
}

/**
 * Claims due deliveries (FOR UPDATE SKIP LOCKED: two instances never claim the same row) and pushes
 * their next attempt a lease ahead: an instance that dies mid-send leaves the row to be claimed
 * again once the lease ends (at least once; receivers deduplicate on X-Valet-Delivery).
 */
async function claimDeliveries(leaseSeconds: number): Promise<Claimed[]> {
  return getDb().$queryRaw<Claimed[]>`
    UPDATE "WebhookDelivery" SET
      "attempts" = "attempts" + 1,
      "nextAttemptAt" = (now() AT TIME ZONE 'UTC') + make_interval(secs => ${leaseSeconds}::float8)
    WHERE "id" IN (
      SELECT d."id" FROM "WebhookDelivery" d
      WHERE d."status" = 'pending' AND d."nextAttemptAt" <= (now() AT TIME ZONE 'UTC')
      ORDER BY d."nextAttemptAt"
      LIMIT ${BATCH_SIZE}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING "id", "webhookId", "eventId", "type", "payload", "attempts", "createdAt"`
}

/** Sends one claimed delivery, logs the attempt and settles the row (delivered, retry later, or failed). */
async function attemptDelivery(delivery: Claimed): Promise<boolean> {
  const env = getEnv()
  const db = getDb()
  const webhook = await db.webhook.findUnique({
    where: { id: delivery.webhookId },
    select: { id: true, url: true, secretSealed: true, ownerId: true, failingSince: true, pausedAt: true },
  })
  if (!webhook) return false
  const body = JSON.stringify(delivery.payload)
  const timestamp = String(Math.floor(Date.now() / 1000))
  let result
  try {
    const secret = unsealSecret(webhook.secretSealed)
    result = await sendWebhook({
      url: webhook.url,
      body,
      timeoutMs: env.WEBHOOK_TIMEOUT_SECONDS * 1000,
      allowedHosts: env.WEBHOOK_ALLOWED_HOSTS,
      headers: {
        "user-agent": "Valet-Webhooks/1",
        "x-valet-event": delivery.type,
        "x-valet-delivery": delivery.id,
        "x-valet-timestamp": timestamp,
        "x-valet-signature": signWebhookBody(secret, timestamp, body),
      },
    })
  } catch (error) {
    // Only unsealing can throw here (sendWebhook reports failures in its result).
    result = {
      statusCode: null,
      latencyMs: 0,
      bodyBytes: 0,
      error: `cannot read the signing secret: ${String(error)}`.slice(0, 500),
    }
  }
  const now = new Date()
  const ok = result.error === null
  const windowMs = env.WEBHOOK_RETRY_WINDOW_SECONDS * 1000
  const givingUp = !ok && now.getTime() - delivery.createdAt.getTime() >= windowMs
  await db.$transaction(async (tx) => {
    // Attempts of one webhook settle one at a time (webhook row first, then deliveries): a pause
    // touching its other deliveries must not deadlock with their own settlement.
    await tx.$queryRaw`SELECT 1 FROM "Webhook" WHERE "id" = ${webhook.id} FOR UPDATE`
    await tx.webhookAttempt.create({
      data: {
        deliveryId: delivery.id,
        startedAt: now,
        statusCode: result.statusCode,
        latencyMs: result.latencyMs,
        error: result.error,
      },
    })
    await tx.webhookDelivery.update({
      where: { id: delivery.id },
      data: ok
        ? { status: "delivered", deliveredAt: now, lastStatus: result.statusCode, lastError: null }
        : {
            lastStatus: result.statusCode,
            lastError: result.error,
            ...(givingUp
              ? { status: "failed", failedAt: now }
              : {
                  nextAttemptAt: new Date(
                    now.getTime() + webhookBackoffSeconds(delivery.attempts, env.WEBHOOK_BACKOFF_BASE_SECONDS) * 1000,
                  ),
                }),
          },
    })
    if (ok) {
      await tx.webhook.updateMany({
        where: { id: webhook.id, failingSince: { not: null } },
        data: { failingSince: null },
      })
      return
    }
    await tx.webhook.updateMany({ where: { id: webhook.id, failingSince: null }, data: { failingSince: now } })
    // Failing for the whole window: pause (conditional, so the owner is told once) and stop its retries.
    const { count } = await tx.webhook.updateMany({
      where: { id: webhook.id, pausedAt: null, failingSince: { lte: new Date(now.getTime() - windowMs) } },
      data: { pausedAt: now },
    })
    if (count === 0) return
    await tx.webhookDelivery.updateMany({
      where: { webhookId: webhook.id, status: "pending", id: { not: delivery.id } },
      data: { status: "failed", failedAt: now, lastError: "webhook paused" },
    })
    const owner = await tx.user.findUnique({ where: { id: webhook.ownerId }, select: { email: true, locale: true } })
    if (owner && isMailConfigured()) {
      const mail = webhookPausedMail(localeOrDefault(owner.locale), owner.email, webhook.url, result.error ?? "—")
      await enqueueOutbox(MAIL_KIND, mail, tx)
    }
  })
  return ok
}

/** One pass: claims a batch and sends it concurrently (a slow receiver holds one slot, not the batch). */
export async function processWebhookDeliveriesOnce(): Promise<{ delivered: number; failed: number }> {
  const claimed = await claimDeliveries(getEnv().WEBHOOK_LEASE_SECONDS)
  const results = await Promise.all(
    claimed.map((delivery) =>
      attemptDelivery(delivery).catch((error: unknown) => {
        // Unsettled: the lease runs out and the delivery is tried again (at least once).
        getLog().error(
          `[webhooks] delivery ${delivery.id} could not be settled: ${error instanceof Error ? error.message : String(error)}`,
        )
        return false
      }),
    ),
  )
  const delivered = results.filter(Boolean).length
  return { delivered, failed: claimed.length - delivered }
}
