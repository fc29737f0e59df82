import { pruneLinkTokens } from "@/lib/accounts/link-tokens"
import { getDb } from "@/lib/db"
import { getLog } from "@/lib/log"
import { getMetrics } from "@/lib/metrics"
import { pruneRateLimits } from "@/lib/rate-limit"
import { reapExpiredUploads, sweepClosedUploads } from "@/lib/uploads"

/**
 * One pass: every expired upload closed (batch after batch), then whatever the dead keys of closed
 * uploads and deleted files wrote removed, finished rate-limit windows dropped, mailed-link tokens a
 * day past their expiry deleted. Sweeping after reaping lets an upload that expires in this pass be
 * swept in it when its key is already dead.
 */
export async function runReaperOnce(): Promise<{
  uploads: number
  swept: number
  rateLimits: number
  linkTokens: number
}> {
  const { reaperRuns, reaperWork } = getMetrics()
  try {
    let uploads = 0
    for (let batch = await reapExpiredUploads(); batch > 0; batch = await reapExpiredUploads()) {
      uploads += batch
      reaperWork.inc({ work: "uploads_closed" }, batch)
    }
    let swept = 0
    for (let batch = await sweepClosedUploads(); batch > 0; batch = await sweepClosedUploads()) {
      swept += batch
      reaperWork.inc({ work: "objects_swept" }, batch)
    }
    const rateLimits = await pruneRateLimits()
    reaperWork.inc({ work: "rate_limits_pruned" }, rateLimits)
    const linkTokens = await pruneLinkTokens(getDb())
    reaperWork.inc({ work: "link_tokens_pruned" }, linkTokens)
    reaperRuns.inc({ outcome: "ok" })
    return { uploads, swept, rateLimits, linkTokens }
  } catch (error) {
    reaperRuns.inc({ outcome: "failed" })
    throw error
  }
}

const globalForReaper = globalThis as unknown as { valetReaper?: NodeJS.Timeout }

/**
 * Runs the reaper on an interval inside the app server. Every instance may do so: uploads are
 * claimed with SKIP LOCKED (for closing and for sweeping), so instances never work on the same row.
 */
export function startReaper(intervalSeconds: number): void {
  if (intervalSeconds <= 0 || globalForReaper.valetReaper) return
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    try {
      const reaped = await runReaperOnce()
      if (reaped.uploads > 0) getLog().info(`[reaper] closed ${reaped.uploads} expired upload(s)`)
      if (reaped.swept > 0) getLog().info(`[reaper] swept what ${reaped.swept} dead key(s) could have written`)
    } catch (error) {
      // Storage or the database being down is retried on the next tick.
      getLog().error(`[reaper] pass failed: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      running = false
    }
  }
  globalForReaper.valetReaper = setInterval(() => void tick(), intervalSeconds * 1000)
  globalForReaper.valetReaper.unref()
}
