/**
 * `npm run doctor`: the storage self-test from the server's side (lib/storage-check.ts), one line
 * per check, each ok or its one-line fix (the same English messages the admin console shows).
 * Exits 1 when a check fails; a warning does not. The browser's own check runs in the admin
 * console (Admin → Storage), which is the only place a browser is.
 */
import { createTranslator } from "next-intl"
import { EnvError } from "@/lib/env"
import { hasFailure, runStorageSelfTest } from "@/lib/storage-check"
import type { StorageCheck } from "@/lib/shared/storage-check"
import messages from "@/messages/en.json" with { type: "json" }

const t = createTranslator({ locale: "en", messages, namespace: "storageCheck" })

const MARK = { ok: "ok  ", warn: "warn", fail: "FAIL", skipped: "skip" } as const

/** One line: the status, the check's name, and its fix when it has one. */
function describeCheck(check: StorageCheck): string {
  const name = t(`names.${check.id}`)
  const fix = check.fix ? `: ${t(`fixes.${check.fix}`, check.values ?? {})}` : ""
  return `${MARK[check.status]}  ${name}${fix}`
}

try {
  const report = await runStorageSelfTest()
  for (const check of report.checks) process.stdout.write(`${describeCheck(check)}\n`)
  process.stdout.write(`info  ${t("names.browser")}: Admin → Storage in the console checks it from a browser\n`)
  process.exit(hasFailure(report) ? 1 : 0)
} catch (error) {
  process.stderr.write(
    `doctor: ${error instanceof EnvError || error instanceof Error ? error.message : String(error)}\n`,
  )
  process.exit(2)
}
