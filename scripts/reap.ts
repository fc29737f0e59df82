/**
 * `npm run reap`: one reaper pass from the command line (cron, or when REAPER_INTERVAL_SECONDS=0).
 * Safe to run while app instances reap too.
 */
import { getDb } from "@/lib/db"
import { runReaperOnce } from "@/lib/reaper"
import { applyLocalStackDefaults } from "./services/local-env"

if (process.argv.includes("--help")) {
  console.log(
    "usage: npm run reap   (uses DATABASE_URL, S3_* and AUTH_SECRET like the app; next to `npm run dev` it finds the embedded services itself)",
  )
  process.exit(0)
}

applyLocalStackDefaults()
try {
  const reaped = await runReaperOnce()
  console.log(
    `reap: closed ${reaped.uploads} expired upload(s), dropped ${reaped.rateLimits} finished rate-limit window(s)`,
  )
  console.log(`reap: swept ${reaped.swept} closed upload(s) whose keys expired`)
} catch (error) {
  console.error(`reap: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
} finally {
  await getDb().$disconnect()
}
