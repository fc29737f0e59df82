import { pruneLinkTokens } from "@/lib/accounts/link-tokens"
import { getDb } from "@/lib/db"
import { pruneRateLimits } from "@/lib/rate-limit"
import { reapExpiredUploads } from "@/lib/uploads"

/**
 * One pass: every expired upload closed (batch after batch), finished rate-limit windows dropped,
 * mailed-link tokens a day past their expiry deleted.
 */
export async function runReaperOnce(): Promise<{ uploads: number; rateLimits: number; linkTokens: number }> {
  let uploads = 0
  for (let batch = await reapExpiredUploads(); batch > 0; batch = await reapExpiredUploads()) uploads += batch
  return { uploads, rateLimits: await pruneRateLimits(), linkTokens: await pruneLinkTokens(getDb()) }
}

const globalForReaper = globalThis as unknown as { valetReaper?: NodeJS.Timeout }

/**
 * Runs the reaper on an interval inside the app server. Every instance may do so: uploads are
 * claimed with SKIP LOCKED, so instances never work on the same row.
 */
export function startReaper(intervalSeconds: number): void {
  if (intervalSeconds <= 0 || globalForReaper.valetReaper) return
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    try {
      const reaped = await runReaperOnce()
      if (reaped.uploads > 0) console.log(`[reaper] closed ${reaped.uploads} expired upload(s)`)
    } catch (error) {
      // Storage or the database being down is retried on the next tick.
      console.error(`[reaper] pass failed: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      running = false
    }
  }
  globalForReaper.valetReaper = setInterval(() => void tick(), intervalSeconds * 1000)
  globalForReaper.valetReaper.unref()
}
