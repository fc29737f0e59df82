/**
 * Section 6, growth: minting and share-download latency on small tables, then with 10^4 and 10^6
 * seeded rows in each of files (with their uploads), shares and audit events. Rows are spread over
 * 1,000 seeded users plus the bench user (1 row in 100 is the bench user's, so at 10^6 it owns
 * 10^4 files, shares and audit rows). The figures must stay flat; EXPLAIN ANALYZE of the hot
 * queries at the largest size goes into the notes, to show which index serves each.
 */
import pg from "pg"
import { round, type LoadResult } from "./load"
import { closeBenchGrants } from "./floor"
import { measureMinting } from "./minting"
import { createBenchShare, measureShareDownload, type BenchShare } from "./share-download"
import type { BenchScenario, BenchTarget, Figure } from "./types"

/** Row counts per table to measure at; `npm run bench -- --growth-rows=10000000` adds 10^7 (slow to seed). */
const SIZES = [10_000, 1_000_000]
const SEED_USERS = 1000
const CONNECTIONS = 50
const WARM_UP_SECONDS = 2
const RUN_SECONDS = 5
/** "Flat": p50 at 10^6 rows within this factor of p50 on the small tables (a noisy shared machine). */
export const MAX_GROWTH = 1.5

async function withClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** Seeds rows `from + 1` … `to` of each table (ids are `seed-…-<i>`, so each size adds to the last). */
async function seed(client: pg.Client, benchUserId: string, from: number, to: number) {
  await client.query(`SET synchronous_commit = off`)
  if (from === 0) {
    await client.query(
      `INSERT INTO "User" (id, email, name, "updatedAt")
       SELECT 'seed-user-' || k, 'seed-' || k || '@bench.invalid', 'Seed ' || k, now() FROM generate_series(1, $1) AS k
       ON CONFLICT DO NOTHING`,
      [SEED_USERS],
    )
  }
  // Owner of row i: the bench user for every 100th row, else one of the seeded users.
  const owner = `CASE WHEN i % 100 = 0 THEN $3 ELSE 'seed-user-' || (1 + i % ${SEED_USERS}) END`
  const range = [from + 1, to, benchUserId]
  await client.query(
    `INSERT INTO "Upload" (id, "ownerId", "objectKey", "fileName", "contentType", size, status, "expiresAt", "createdAt", "closedAt")
     SELECT 'seed-upload-' || i, ${owner}, 'seed/' || i, 'seed-' || i || '.bin', 'application/octet-stream', 1000 + i % 5000,
            'COMPLETED', now() - make_interval(secs => i), now() - make_interval(secs => i + 60), now() - make_interval(secs => i)
     FROM generate_series($1::int, $2::int) AS i`,
    range,
  )
  await client.query(
    `INSERT INTO "File" (id, "ownerId", "uploadId", "objectKey", name, "contentType", size, "createdAt")
     SELECT 'seed-file-' || i, ${owner}, 'seed-upload-' || i, 'seed/' || i, 'seed-' || i || '.bin', 'application/octet-stream',
            1000 + i % 5000, now() - make_interval(secs => i)
     FROM generate_series($1::int, $2::int) AS i`,
    range,
  )
  await client.query(
    `INSERT INTO "Share" (id, "ownerId", "tokenHash", "expiresAt", "maxDownloads", downloads, "revokedAt", "createdAt")
     SELECT 'seed-share-' || i, ${owner}, md5('seed-share-' || i) || md5('salt-' || i),
            CASE WHEN i % 3 = 0 THEN now() + interval '7 days' END, CASE WHEN i % 5 = 0 THEN 10 END, i % 7,
            CASE WHEN i % 11 = 0 THEN now() END, now() - make_interval(secs => i)
     FROM generate_series($1::int, $2::int) AS i`,
    range,
  )
  // Links hold their files through ShareFile (one file each here, like a link from the file list).
  await client.query(
    `INSERT INTO "ShareFile" ("shareId", "fileId", position)
     SELECT 'seed-share-' || i, 'seed-file-' || i, 0 FROM generate_series($1::int, $2::int) AS i`,
    range.slice(0, 2),
  )
  await client.query(
    `INSERT INTO "AuditEvent" (id, action, "actorId", via, method, "objectKey", "expiresAt", "fileId", "createdAt")
     SELECT 'seed-audit-' || i, CASE WHEN i % 2 = 0 THEN 'upload.put' ELSE 'share.download' END,
            CASE WHEN i % 2 = 0 THEN ${owner} END, CASE WHEN i % 2 = 0 THEN 'token' ELSE 'share' END,
            CASE WHEN i % 2 = 0 THEN 'PUT' ELSE 'GET' END, 'seed/' || i, now() - make_interval(secs => i - 900),
            'seed-file-' || i, now() - make_interval(secs => i)
     FROM generate_series($1::int, $2::int) AS i`,
    range,
  )
  // What autovacuum would have done long before a table reached this size.
  for (const table of ["User", "Upload", "File", "Share", "ShareFile", "AuditEvent"])
    await client.query(`VACUUM ANALYZE "${table}"`)
}

const countRows = async (client: pg.Client) => {
  const { rows } = await client.query<{ files: string; shares: string; audit: string }>(
    `SELECT (SELECT count(*) FROM "File") AS files, (SELECT count(*) FROM "Share") AS shares, (SELECT count(*) FROM "AuditEvent") AS audit`,
  )
  return { files: Number(rows[0]?.files), shares: Number(rows[0]?.shares), audit: Number(rows[0]?.audit) }
}

type Sample = { label: string; mint: LoadResult; share: LoadResult }

async function sample(target: BenchTarget, share: BenchShare, label: string): Promise<Sample> {
  await closeBenchGrants(target.databaseUrl, target.userId)
  await measureMinting(target, { connections: CONNECTIONS, durationSeconds: WARM_UP_SECONDS })
  const mint = await measureMinting(target, { connections: CONNECTIONS, durationSeconds: RUN_SECONDS })
  await measureShareDownload(target, share, { connections: CONNECTIONS, durationSeconds: WARM_UP_SECONDS })
  const shareRun = await measureShareDownload(target, share, { connections: CONNECTIONS, durationSeconds: RUN_SECONDS })
  return { label, mint, share: shareRun }
}

/** The hot queries of a grant and a share download, as the app runs them, with their plans. */
async function explainHotQueries(client: pg.Client, benchUserId: string, shareId: string): Promise<string[]> {
  const queries: [string, string, unknown[]][] = [
    ["quota: sum of the user's files", `SELECT sum(size) FROM "File" WHERE "ownerId" = $1`, [benchUserId]],
    [
      "quota: sum of uploads in flight",
      `SELECT sum(size) FROM "Upload" WHERE "ownerId" = $1 AND status = 'PENDING'`,
      [benchUserId],
    ],
    [
      "share lookup by token hash",
      `SELECT * FROM "Share" WHERE "tokenHash" = (SELECT "tokenHash" FROM "Share" WHERE id = $1)`,
      [shareId],
    ],
  ]
  const lines: string[] = []
  for (const [name, sql, params] of queries) {
    const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS OFF) ${sql}`, params)
    const plan = rows.map((row) => row["QUERY PLAN"])
    const scans = plan
      .filter((line) => /Scan/.test(line))
      .map((line) =>
        line
          .trim()
          .replace(/^->\s*/, "")
          .replace(/\s+\(cost=.*$/, ""),
      )
    const time = plan.find((line) => line.startsWith("Execution Time"))
    lines.push(`EXPLAIN ${name}: ${scans.join("; ")}; ${time ?? ""}`)
  }
  return lines
}

export const growth: BenchScenario = async (target) => {
  const share = await createBenchShare(target)
  const sizes = [...SIZES, ...(target.growthRows && target.growthRows > (SIZES.at(-1) ?? 0) ? [target.growthRows] : [])]
  const samples: Sample[] = []
  const notes: string[] = []
  const initial = await withClient(target.databaseUrl, countRows)
  samples.push(await sample(target, share, `small tables (${initial.files + initial.shares + initial.audit} rows)`))
  let seeded = 0
  for (const size of sizes) {
    const started = performance.now()
    await withClient(target.databaseUrl, (client) => seed(client, target.userId, seeded, size))
    seeded = size
    const counts = await withClient(target.databaseUrl, countRows)
    notes.push(
      `seeded to 10^${Math.log10(size)} in ${round((performance.now() - started) / 1000)} s: ${counts.files} files, ${counts.shares} shares, ${counts.audit} audit events`,
    )
    samples.push(await sample(target, share, `10^${Math.log10(size)} rows`))
  }
  notes.push(...(await withClient(target.databaseUrl, (client) => explainHotQueries(client, target.userId, share.id))))

  const base = samples[0]
  const figures: Figure[] = []
  for (const entry of samples) {
    const isLargest = entry === samples.at(-1)
    const flat = (value: number, baseValue: number) =>
      isLargest && base
        ? { target: `≤ ${MAX_GROWTH}× small-table p50`, met: value <= MAX_GROWTH * Math.max(baseValue, 1) }
        : {}
    figures.push(
      {
        name: `minting @${CONNECTIONS} conns, ${entry.label}: p50`,
        value: entry.mint.p50Ms,
        unit: "ms",
        ...flat(entry.mint.p50Ms, base?.mint.p50Ms ?? 0),
      },
      { name: `minting @${CONNECTIONS} conns, ${entry.label}: p99`, value: entry.mint.p99Ms, unit: "ms" },
      { name: `minting @${CONNECTIONS} conns, ${entry.label}: rate`, value: round(entry.mint.rate, 0), unit: "req/s" },
      {
        name: `share download @${CONNECTIONS} conns, ${entry.label}: p50`,
        value: entry.share.p50Ms,
        unit: "ms",
        ...flat(entry.share.p50Ms, base?.share.p50Ms ?? 0),
      },
      { name: `share download @${CONNECTIONS} conns, ${entry.label}: p99`, value: entry.share.p99Ms, unit: "ms" },
      {
        name: `share download @${CONNECTIONS} conns, ${entry.label}: rate`,
        value: round(entry.share.rate, 0),
        unit: "req/s",
      },
    )
    const failures = entry.mint.unexpected + entry.mint.errors + entry.share.unexpected + entry.share.errors
    if (failures > 0) notes.push(`${entry.label}: ${failures} unexpected responses or errors`)
  }
  return { title: "6. Growth", figures, notes }
}
