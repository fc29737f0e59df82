import { getDb } from "@/lib/db"
import type { Prisma } from "@/lib/generated/prisma/client"
import { getLog } from "@/lib/log"
import { getMetrics } from "@/lib/metrics"

/**
 * A small transactional outbox: work that must leave the app (mail today; notifications and
 * webhooks next) is written as a row, in the same transaction as the change that caused it when
 * there is one, and delivered by a worker that runs in every app instance. A crash, a restart or a
 * down SMTP server loses nothing: the row stays until a delivery succeeds.
 */

/** Delivers one message's payload; throwing means "try again later". */
export type OutboxHandler = (payload: Prisma.JsonValue, message: { id: string; attempts: number }) => Promise<void>

const handlers = new Map<string, OutboxHandler>()

/** Registers who delivers a kind ("mail", …). Each kind's module registers itself on import. */
export function registerOutboxHandler(kind: string, handler: OutboxHandler): void {
  handlers.set(kind, handler)
}

type Db = Pick<Prisma.TransactionClient, "outboxMessage">

export async function enqueueOutbox(kind: string, payload: Prisma.InputJsonValue, db: Db = getDb()): Promise<string> {
  const { id } = await db.outboxMessage.create({ data: { kind, payload }, select: { id: true } })
  return id
}

/** After this many failed deliveries a message is marked failed (about a day of retries). */
export const OUTBOX_MAX_ATTEMPTS = 30
// A claimed message is invisible to other instances this long; one that crashed mid-delivery is
// then picked up again (delivery is at least once).
const LEASE_SECONDS = 120
const BATCH_SIZE = 20

/** 5 s, 10 s, 20 s … capped at an hour, with ±20 % jitter so instances do not retry in step. */
export function outboxBackoffSeconds(attempts: number, random = Math.random()): number {
  const base = Math.min(3600, 5 * 2 ** Math.max(0, attempts - 1))
  return Math.round(base * (0.8 + 0.4 * random))
}

type ClaimedRow = { id: string; kind: string; payload: Prisma.JsonValue; attempts: number }

/**
 * Claims up to a batch of due messages (FOR UPDATE SKIP LOCKED: instances never claim the same row),
 * pushes their next attempt past the lease, and delivers them one by one.
 */
export async function processOutboxOnce(
  kinds: string[] = [...handlers.keys()],
): Promise<{ sent: number; failed: number }> {
  if (kinds.length === 0) return { sent: 0, failed: 0 }
  const db = getDb()
  // Prisma keeps DateTime columns as UTC `timestamp`s; compare in UTC whatever the server's TimeZone.
  const claimed = await db.$queryRaw<ClaimedRow[]>`
    UPDATE "OutboxMessage" SET
      "attempts" = "attempts" + 1,
      "nextAttemptAt" = (now() AT TIME ZONE 'UTC') + make_interval(secs => ${LEASE_SECONDS})
    WHERE "id" IN (
      SELECT "id" FROM "OutboxMessage"
      WHERE "sentAt" IS NULL AND "failedAt" IS NULL AND "kind" = ANY(${kinds})
        AND "nextAttemptAt" <= (now() AT TIME ZONE 'UTC')
      ORDER BY "nextAttemptAt"
      LIMIT ${BATCH_SIZE}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING "id", "kind", "payload", "attempts"`
  let sent = 0
  let failed = 0
  for (const message of claimed) {
    const handler = handlers.get(message.kind)
    try {
      if (!handler) throw new Error(`no handler for outbox kind "${message.kind}"`)
      await handler(message.payload, { id: message.id, attempts: message.attempts })
      await db.outboxMessage.update({ where: { id: message.id }, data: { sentAt: new Date(), lastError: null } })
      sent++
      // Kinds are handler names registered in code (the claim above selects no other): a closed set.
      getMetrics().outboxMessages.inc({ kind: message.kind, outcome: "sent" })
    } catch (error) {
      failed++
      const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 1000)
      const givingUp = message.attempts >= OUTBOX_MAX_ATTEMPTS
      await db.outboxMessage.update({
        where: { id: message.id },
        data: {
          lastError,
          ...(givingUp
            ? { failedAt: new Date() }
            : { nextAttemptAt: new Date(Date.now() + outboxBackoffSeconds(message.attempts) * 1000) }),
        },
      })
      getMetrics().outboxMessages.inc({ kind: message.kind, outcome: givingUp ? "given_up" : "retrying" })
      getLog().error(
        `[outbox] ${message.kind} ${message.id} attempt ${message.attempts} failed${givingUp ? " (giving up)" : ""}: ${lastError}`,
      )
    }
  }
  return { sent, failed }
}

/** Other periodic work the worker runs on each tick after the outbox (webhook deliveries, reminders). */
export type OutboxPass = () => Promise<unknown>
const passes = new Map<string, OutboxPass>()

export function registerOutboxPass(name: string, pass: OutboxPass): void {
  passes.set(name, pass)
}

const globalForOutbox = globalThis as unknown as { valetOutbox?: NodeJS.Timeout }

/** Runs the outbox worker on an interval inside the app server, like the reaper (every instance may). */
export function startOutboxWorker(intervalSeconds: number): void {
  if (intervalSeconds <= 0 || globalForOutbox.valetOutbox) return
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    try {
      // Drain: a burst of mail should not wait one interval per batch.
      for (let pass = 0; pass < 10; pass++) {
        const { sent, failed } = await processOutboxOnce()
        if (sent + failed < BATCH_SIZE) break
      }
    } catch (error) {
      // The database being down is retried on the next tick.
      getLog().error(`[outbox] pass failed: ${error instanceof Error ? error.message : String(error)}`)
    }
    try {
      for (const [name, pass] of passes) {
        await pass().then(
          () => getMetrics().outboxPasses.inc({ pass: name, outcome: "ok" }),
          (error: unknown) => {
            getMetrics().outboxPasses.inc({ pass: name, outcome: "failed" })
            getLog().error(`[outbox] ${name} failed: ${error instanceof Error ? error.message : String(error)}`)
          },
        )
      }
    } finally {
      running = false
    }
  }
  globalForOutbox.valetOutbox = setInterval(() => void tick(), intervalSeconds * 1000)
  globalForOutbox.valetOutbox.unref()
}

/** Stops this process's worker (tests; a server stops with its process). */
export function stopOutboxWorker(): void {
  if (globalForOutbox.valetOutbox) clearInterval(globalForOutbox.valetOutbox)
  globalForOutbox.valetOutbox = undefined
}
