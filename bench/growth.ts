/**
 * Section 6 (issue 20, target 7), growth: minting and share-download latency and app CPU on small
 * tables, then with N seeded rows in each of files (with their uploads), shares (with their
 * ShareFile row) and audit events (10^6 by default, `--growth-rows=10000000` for 10^7), then small
 * again once the seeded rows are gone: the large tables are compared with the mean of the two small
 * runs, so a machine that got busier or quieter in between shows as a gap between them, not as
 * growth. Rows are spread over 1,000 seeded users plus the bench user, who owns 1 row in 100.
 *
 * Seeding is one INSERT … SELECT generate_series per table with the secondary indexes dropped
 * first and rebuilt after (the definitions read back from pg_indexes, so they are the real
 * schema's), foreign-key checks and the usage-counter triggers skipped for the session
 * (session_replication_role = replica; the rows are consistent by construction and the counters
 * are recomputed after), then VACUUM ANALYZE, as autovacuum would long before a table got there.
 *
 * Which indexes the hot paths use is read from PostgreSQL itself: the table and index scan
 * counters (pg_stat_user_tables / _indexes) over a window of grants and share downloads against
 * the large tables count every statement the app ran, nested ones in SQL functions included;
 * EXPLAIN ANALYZE of the main lookups is in the notes.
 */
import pg from "pg"
import { quickOr, round, type LoadResult } from "./load"
import { closeBenchGrants } from "./floor"
import { measureMinting } from "./minting"
import { createBenchShare, measureShareDownload, type BenchShare } from "./share-download"
import type { BenchScenario, BenchTarget, Figure } from "./types"

/** Rows per table unless `--growth-rows` asks for another size. */
const DEFAULT_ROWS = 1_000_000
const SEED_USERS = 1000
/** One connection: the latency of a request alone, not a queue (a closed loop at 50 measured the queue). */
const CONNECTIONS = 1
const WARM_UP_SECONDS = quickOr(2, 1)
const RUN_SECONDS = quickOr(5, 3)
/** Requests of each kind in the window whose scan counters are read. */
const INDEX_WINDOW_REQUESTS = 200
/** "Flat": p50 on the large tables within this factor of the small tables' (issue 20, target 7). */
export const MAX_GROWTH = 1.5
const GROWN_TABLES = ["Upload", "File", "Share", "ShareFile", "AuditEvent"]

async function withClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

type SeedTimes = { insertSeconds: number; indexSeconds: number; vacuumSeconds: number; triggersSkipped: boolean }

const seconds = (since: number) => (performance.now() - since) / 1000

/** Seeds rows 1 … `rows` of each grown table (ids are zero-padded, so every primary key grows at its right edge). */
async function seed(client: pg.Client, benchUserId: string, rows: number): Promise<SeedTimes> {
  await client.query(`SET synchronous_commit = off`)
  await client.query(`SET maintenance_work_mem = '512MB'`)
  // Superuser only (the bench's own PostgreSQL): no per-row foreign-key trigger, no usage trigger.
  const triggersSkipped = await client.query(`SET session_replication_role = replica`).then(
    () => true,
    () => false,
  )
  // WAL of several GiB; at the default 1 GB every GiB would force a checkpoint in the middle of the inserts.
  await client.query(`ALTER SYSTEM SET max_wal_size = '8GB'`).catch(() => undefined)
  await client.query(`SELECT pg_reload_conf()`)
  // Indexes that no constraint owns (primary keys and indexes a foreign key points at stay).
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename = ANY ($1)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)`,
    [GROWN_TABLES],
  )
  for (const index of indexes) await client.query(`DROP INDEX "${index.name}"`)

  let started = performance.now()
  await client.query(
    `INSERT INTO "User" (id, email, name, "updatedAt")
     SELECT 'seed-user-' || k, 'seed-' || k || '@bench.invalid', 'Seed ' || k, now() FROM generate_series(1, $1) AS k
     ON CONFLICT DO NOTHING`,
    [SEED_USERS],
  )
  // Owner of row i: the bench user for every 100th row, else one of the seeded users.
  const owner = `CASE WHEN i % 100 = 0 THEN $2 ELSE 'seed-user-' || (1 + i % ${SEED_USERS}) END`
  const id = (prefix: string) => `'${prefix}' || lpad(i::text, 10, '0')`
  const range = [rows, benchUserId]
  await client.query(
    `INSERT INTO "Upload" (id, "ownerId", "objectKey", "fileName", "contentType", size, status, "expiresAt", "createdAt", "closedAt")
     SELECT ${id("seed-upload-")}, ${owner}, 'seed/' || i, 'seed-' || i || '.bin', 'application/octet-stream', 1000 + i % 5000,
            'COMPLETED', now() - make_interval(secs => i), now() - make_interval(secs => i + 60), now() - make_interval(secs => i)
     FROM generate_series(1, $1::int) AS i`,
    range,
  )
  await client.query(
    `INSERT INTO "File" (id, "ownerId", "uploadId", "objectKey", name, "contentType", size, "createdAt")
     SELECT ${id("seed-file-")}, ${owner}, ${id("seed-upload-")}, 'seed/' || i, 'seed-' || i || '.bin', 'application/octet-stream',
            1000 + i % 5000, now() - make_interval(secs => i)
     FROM generate_series(1, $1::int) AS i`,
    range,
  )
  await client.query(
    `INSERT INTO "Share" (id, "ownerId", "tokenHash", "expiresAt", "maxDownloads", downloads, "revokedAt", "createdAt")
     SELECT ${id("seed-share-")}, ${owner}, md5('seed-share-' || i) || md5('salt-' || i),
            CASE WHEN i % 3 = 0 THEN now() + interval '7 days' END, CASE WHEN i % 5 = 0 THEN 10 END, i % 7,
            CASE WHEN i % 11 = 0 THEN now() END, now() - make_interval(secs => i)
     FROM generate_series(1, $1::int) AS i`,
    range,
  )
  // Links hold their files through ShareFile (one file each here, like a link from the file list).
  await client.query(
    `INSERT INTO "ShareFile" ("shareId", "fileId", position)
     SELECT ${id("seed-share-")}, ${id("seed-file-")}, 0 FROM generate_series(1, $1::int) AS i`,
    [rows],
  )
  await client.query(
    `INSERT INTO "AuditEvent" (id, action, "actorId", via, method, "objectKey", "expiresAt", "fileId", "createdAt")
     SELECT ${id("seed-audit-")}, CASE WHEN i % 2 = 0 THEN 'upload.put' ELSE 'share.download' END,
            CASE WHEN i % 2 = 0 THEN ${owner} END, CASE WHEN i % 2 = 0 THEN 'token' ELSE 'share' END,
            CASE WHEN i % 2 = 0 THEN 'PUT' ELSE 'GET' END, 'seed/' || i, now() - make_interval(secs => i - 900),
            ${id("seed-file-")}, now() - make_interval(secs => i)
     FROM generate_series(1, $1::int) AS i`,
    range,
  )
  if (triggersSkipped) {
    // What the usage triggers would have added (the seeded uploads are all completed: nothing reserved).
    await client.query(
      `UPDATE "User" u SET "usedBytes" = s.bytes
       FROM (SELECT "ownerId", sum(size)::bigint AS bytes FROM "File" GROUP BY 1) s
       WHERE u.id = s."ownerId" AND u."usedBytes" <> s.bytes`,
    )
    await client.query(`RESET session_replication_role`)
  }
  const insertSeconds = seconds(started)

  started = performance.now()
  for (const index of indexes) await client.query(index.definition)
  const indexSeconds = seconds(started)
  started = performance.now()
  for (const table of ["User", ...GROWN_TABLES]) await client.query(`VACUUM ANALYZE "${table}"`)
  await client.query(`ALTER SYSTEM RESET max_wal_size`).catch(() => undefined)
  await client.query(`SELECT pg_reload_conf()`)
  await client.query(`CHECKPOINT`).catch(() => undefined)
  return { insertSeconds, indexSeconds, vacuumSeconds: seconds(started), triggersSkipped }
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

/**
 * Scans of the grown tables while the app served `INDEX_WINDOW_REQUESTS` grants and as many share
 * downloads (and whatever its timers ran meanwhile), from PostgreSQL's own counters: every
 * statement counts, the ones inside the grant's SQL function too.
 */
async function scansDuringHotPaths(target: BenchTarget, share: BenchShare) {
  const read = (client: pg.Client) =>
    client.query<{ table: string; index: string | null; scans: string }>(
      `SELECT relname AS table, NULL AS index, seq_scan::text AS scans FROM pg_stat_user_tables WHERE relname = ANY ($1)
       UNION ALL
       SELECT relname, indexrelname, idx_scan::text FROM pg_stat_user_indexes WHERE relname = ANY ($1)`,
      [GROWN_TABLES],
    )
  // Backends flush their counters when idle, at most once a second and at the latest after 10 s.
  const settle = () => new Promise((resolve) => setTimeout(resolve, 11_000))
  // The harness's own statements come before the window, so the counters hold only the app's.
  await closeBenchGrants(target.databaseUrl, target.userId)
  await settle()
  const before = await withClient(target.databaseUrl, read)
  await measureMinting(target, { connections: CONNECTIONS, amount: INDEX_WINDOW_REQUESTS })
  await measureShareDownload(target, share, { connections: CONNECTIONS, amount: INDEX_WINDOW_REQUESTS })
  await settle()
  const after = await withClient(target.databaseUrl, read)
  const key = (row: { table: string; index: string | null }) => `${row.table}/${row.index ?? ""}`
  const start = new Map(before.rows.map((row) => [key(row), Number(row.scans)]))
  const used = after.rows
    .map((row) => ({ ...row, scans: Number(row.scans) - (start.get(key(row)) ?? 0) }))
    .filter((row) => row.scans > 0)
  return {
    sequential: used.filter((row) => row.index === null),
    indexes: used.filter((row) => row.index !== null),
  }
}

/** The main lookups of a share download and a file list, with their plans at the large size. */
async function explainLookups(client: pg.Client, benchUserId: string, shareId: string): Promise<string[]> {
  const queries: [string, string, unknown[]][] = [
    [
      "share link by token hash, with its files (as lib/shares/recipient-link.ts reads it)",
      `SELECT s.id, (SELECT json_agg(f.id ORDER BY sf.position) FROM "ShareFile" sf JOIN "File" f ON f.id = sf."fileId"
                     WHERE sf."shareId" = s.id) AS files
       FROM "Share" s WHERE s."tokenHash" = (SELECT "tokenHash" FROM "Share" WHERE id = $1)`,
      [shareId],
    ],
    [
      "the owner's usage counters (a grant's quota check)",
      `SELECT "usedBytes", "reservedBytes" FROM "User" WHERE id = $1`,
      [benchUserId],
    ],
    [
      "the owner's newest files (GET /api/files, first page)",
      `SELECT id FROM "File" WHERE "ownerId" = $1 ORDER BY "createdAt" DESC LIMIT 50`,
      [benchUserId],
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
  const rows = target.growthRows ?? DEFAULT_ROWS
  const size = `10^${round(Math.log10(rows), 1)}`
  const notes: string[] = []
  const share = await createBenchShare(target)
  const initial = await withClient(target.databaseUrl, countRows)
  const before = await sample(target, share, `small tables (${initial.files + initial.shares + initial.audit} rows)`)

  const started = performance.now()
  const times = await withClient(target.databaseUrl, (client) => seed(client, target.userId, rows))
  const seedSeconds = seconds(started)
  const counts = await withClient(target.databaseUrl, countRows)
  notes.push(
    `seeded ${size} rows per table in ${round(seedSeconds, 0)} s (inserts ${round(times.insertSeconds, 0)} s, ${times.triggersSkipped ? "foreign-key and usage triggers skipped, counters recomputed" : "with triggers (not a superuser)"}; index builds ${round(times.indexSeconds, 0)} s; VACUUM ANALYZE + checkpoint ${round(times.vacuumSeconds, 0)} s): ${counts.files} files, ${counts.shares} shares, ${counts.audit} audit events`,
  )
  const large = await sample(target, share, `${size} rows`)
  const scans = await scansDuringHotPaths(target, share)
  notes.push(
    `scans of the grown tables during ${INDEX_WINDOW_REQUESTS} grants + ${INDEX_WINDOW_REQUESTS} share downloads at ${size} rows (pg_stat_user_*): sequential ${scans.sequential.map((row) => `${row.table} ×${row.scans}`).join(", ") || "none"}; by index ${scans.indexes.map((row) => `${row.index} ×${row.scans}`).join(", ")}`,
  )
  notes.push(...(await withClient(target.databaseUrl, (client) => explainLookups(client, target.userId, share.id))))

  // The seeded rows go (the bench's own too, with its link), then small tables once more.
  await withClient(target.databaseUrl, (client) =>
    client.query(`TRUNCATE "AuditEvent", "ShareFile", "Share", "File", "Upload" CASCADE`),
  )
  const after = await sample(target, await createBenchShare(target), "small tables again")

  const samples = [before, large, after]
  const figures: Figure[] = []
  const smallP50 = (pick: (entry: Sample) => LoadResult) => (pick(before).p50Ms + pick(after).p50Ms) / 2
  for (const [what, pick, key] of [
    ["minting (POST /api/uploads)", (entry: Sample) => entry.mint, "growth.mint"],
    ["share download (GET /s/:token/download)", (entry: Sample) => entry.share, "growth.share"],
  ] as const) {
    for (const entry of samples) {
      figures.push(
        { name: `${what} @${CONNECTIONS} conn, ${entry.label}: p50`, value: pick(entry).p50Ms, unit: "ms" },
        {
          name: `${what} @${CONNECTIONS} conn, ${entry.label}: app CPU per request`,
          value: round(pick(entry).appCpuMsPerRequest ?? Number.NaN, 2),
          unit: "ms",
        },
      )
    }
    const ratio = pick(large).p50Ms / Math.max(smallP50(pick), 0.001)
    figures.push({
      name: `${what}: p50 at ${size} rows ÷ small tables (mean of before and after)`,
      key: `${key}.ratio`,
      value: round(ratio, 2),
      unit: "×",
      target: `≤ ${MAX_GROWTH}×`,
      met: ratio <= MAX_GROWTH,
    })
  }
  figures.push(
    { name: "rows per grown table", key: "growth.rows", value: rows, unit: "rows" },
    {
      name: "seeding time (inserts, indexes, vacuum)",
      key: "growth.seedSeconds",
      value: round(seedSeconds, 0),
      unit: "s",
    },
    {
      name: "sequential scans of grown tables on the hot paths",
      key: "growth.seqScans",
      value: scans.sequential.reduce((sum, row) => sum + row.scans, 0),
      unit: "scans",
      target: "0",
      met: scans.sequential.length === 0,
    },
  )
  for (const entry of samples) {
    const failures = entry.mint.unexpected + entry.mint.errors + entry.share.unexpected + entry.share.errors
    if (failures > 0) notes.push(`${entry.label}: ${failures} unexpected responses or errors`)
  }
  notes.push(
    `Latency of a request alone (${CONNECTIONS} connection, ${WARM_UP_SECONDS} s warm-up + ${RUN_SECONDS} s), so p50 is service time, not a queue; the small tables are measured before seeding and again after the seeded rows are truncated, and the ratio divides by their mean.`,
  )
  return { title: "6. Growth", figures, notes }
}
