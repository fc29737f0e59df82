import { getDb, queryPrepared } from "@/lib/db"
import { ApiError } from "@/lib/errors"
import { getEnv } from "@/lib/env"
import { PEER_ADDRESS_HEADER } from "@/lib/peer-address"

export type RateLimitRule = {
  /** What is being limited and for whom: "sign-in:account:ada@example.com". */
  key: string
  limit: number
  windowSeconds: number
}

export type RateLimitResult = { allowed: boolean; hits: number; retryAfterSeconds: number }

const MINUTE = 60
const HOUR = 60 * MINUTE

/** Every limit in one place, so the README and the code cannot drift apart. */
export const RATE_LIMITS = {
  signInPerAccount: { limit: 10, windowSeconds: 15 * MINUTE },
  signInPerIp: { limit: 50, windowSeconds: 15 * MINUTE },
  registerPerIp: { limit: 10, windowSeconds: HOUR },
  registerPerAccount: { limit: 5, windowSeconds: HOUR },
  // Passwords of share links and upload-request links alike.
  linkPasswordPerLinkAndIp: { limit: 10, windowSeconds: 15 * MINUTE },
  linkPasswordPerIp: { limit: 100, windowSeconds: 15 * MINUTE },
  // Reset and verification mails: enough for a typo and a retry, not for mail-bombing someone.
  passwordResetPerEmail: { limit: 5, windowSeconds: HOUR },
  passwordResetPerIp: { limit: 20, windowSeconds: HOUR },
} as const

/**
 * Counts one hit against a fixed window in Postgres and says whether it is within the limit.
 * One atomic upsert: concurrent requests on any number of app instances each get a distinct
 * count, so a limit of 10 never lets an 11th through.
 */
export async function consumeRateLimit(rule: RateLimitRule, cost = 1): Promise<RateLimitResult> {
  // A named prepared statement (planned once per connection) of the one upsert, which the
  // one-statement upload grant runs too (valet_consume_rate_limit, in the migrations); the wait is
  // computed in SQL, in UTC like every Prisma DateTime.
  const { rows } = await queryPrepared<{ hits: number; retryAfterSeconds: number }>({
    name: "valet_consume_rate_limit",
    text: `SELECT hits, "retryAfterSeconds" FROM valet_consume_rate_limit($1, $2, $3)`,
    values: [rule.key, cost, rule.windowSeconds],
  })
  const row = rows[0]
  if (!row) throw new Error("rate limit upsert returned no row")
  return { allowed: row.hits <= rule.limit, hits: row.hits, retryAfterSeconds: row.retryAfterSeconds }
}

/**
 * Consumes each rule in order and throws a 429 with Retry-After at the first one over its limit
 * (later rules are then not charged).
 */
export async function enforceRateLimits(rules: RateLimitRule[], message = "Too many attempts"): Promise<void> {
  for (const rule of rules) {
    const result = await consumeRateLimit(rule)
    if (!result.allowed) {
      const wait = formatWait(result.retryAfterSeconds)
      throw new ApiError("rate_limited", `${message}; try again in ${wait}`, {
        "Retry-After": String(result.retryAfterSeconds),
      })
    }
  }
}

/** Forgets a key's hits, e.g. an account's failed sign-ins once it signs in successfully. */
export async function resetRateLimit(key: string): Promise<void> {
  await getDb().rateLimit.deleteMany({ where: { key } })
}

/** Drops windows that ended; any instance may run it at any time. */
export async function pruneRateLimits(): Promise<number> {
  const { count } = await getDb().rateLimit.deleteMany({ where: { resetAt: { lt: new Date() } } })
  return count
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`
  return `${Math.ceil(seconds / 60)} minutes`
}

/**
 * The client's address for per-IP limits.
 *
 * - `TRUSTED_PROXY_COUNT=0` (the default: nothing in front of the app): the socket's peer, which
 *   lib/peer-address.ts stamps on the request (a route handler has no socket of its own). Next.js
 *   keeps a client-sent X-Forwarded-For as it is (it fills the header only when it is missing), so
 *   that header is never read here.
 * - `N >= 1`: each trusted proxy appends the address it saw, so the client is the entry N places
 *   from the right; entries further left are whatever the client sent and never win. With fewer
 *   entries than proxies, the request did not come through them all: the peer address is used.
 */
export function clientIp(request: { headers: Headers }, trustedProxyCount = getEnv().TRUSTED_PROXY_COUNT): string {
  const peer = request.headers.get(PEER_ADDRESS_HEADER)?.trim() || "unknown"
  if (trustedProxyCount < 1) return peer
  const forwarded = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
  return forwarded.length >= trustedProxyCount ? (forwarded.at(-trustedProxyCount) ?? peer) : peer
}
