/**
 * `npm run reconcile [-- --verify-hashes] [-- --json]`: compares the bucket with the database and
 * says what does not match. Read-only: it reports, an operator decides. Exit code 0 when clean,
 * 1 when it found problems, 2 when it could not run (storage or database unreachable).
 */
import { getDb } from "@/lib/db"
import { getEnv } from "@/lib/env"
import { reconcile, type ReconcileProblem, type ReconcileReport } from "@/lib/reconcile"
import { applyLocalStackDefaults } from "./services/local-env"

const args = new Set(process.argv.slice(2))
if (args.has("--help")) {
  console.log(`usage: npm run reconcile [-- --verify-hashes] [-- --json]
  --verify-hashes  read every file's bytes and compare them with the SHA-256 recorded at upload
  --json           print the report as JSON
Uses DATABASE_URL and S3_* like the app; next to \`npm run dev\` it finds the embedded services itself.
Exit code: 0 clean, 1 problems found, 2 could not run.`)
  process.exit(0)
}

const MAX_LISTED = 100

function describe(problem: ReconcileProblem): string {
  switch (problem.kind) {
    case "orphan-object":
      return `orphan object   ${problem.key} (${problem.size} bytes): ${problem.reason}`
    case "missing-object":
      return `missing object  ${problem.key}: file ${problem.fileId} has no object in storage`
    case "size-mismatch":
      return `size mismatch   ${problem.key}: file ${problem.fileId} is ${problem.expected} bytes, storage holds ${problem.actual}`
    case "etag-mismatch":
      return `etag mismatch   ${problem.key}: file ${problem.fileId} was recorded with ETag ${problem.expected}, storage holds ${problem.actual} (replaced since)`
    case "hash-mismatch":
      return `hash mismatch   ${problem.key}: file ${problem.fileId} was recorded with SHA-256 ${problem.expected}, storage holds ${problem.actual}`
  }
}

const bucketName = () => (getEnv().STORAGE_BACKEND === "azure" ? getEnv().AZURE_STORAGE_CONTAINER : getEnv().S3_BUCKET)

function summarise(report: ReconcileReport, bucket: string, verifyHashes: boolean): string {
  const lines = [
    `reconcile: bucket ${bucket}: ${report.objects} object(s), ${report.files} file(s), ${report.inFlight} object(s) of uploads in flight skipped`,
  ]
  if (verifyHashes)
    lines.push(
      `  hashed ${report.hashed} file(s); ${report.withoutDigest} have no recorded SHA-256 (size checked only)`,
    )
  for (const problem of report.problems.slice(0, MAX_LISTED)) lines.push(`  ${describe(problem)}`)
  if (report.problems.length > MAX_LISTED)
    lines.push(`  … and ${report.problems.length - MAX_LISTED} more (--json lists them all)`)
  lines.push(report.clean ? "reconcile: clean" : `reconcile: ${report.problems.length} problem(s)`)
  return lines.join("\n")
}

applyLocalStackDefaults()
const verifyHashes = args.has("--verify-hashes")
try {
  const report = await reconcile({ verifyHashes })
  console.log(args.has("--json") ? JSON.stringify(report, null, 2) : summarise(report, bucketName(), verifyHashes))
  process.exitCode = report.clean ? 0 : 1
} catch (error) {
  console.error(`reconcile: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 2
} finally {
  await getDb().$disconnect()
}
