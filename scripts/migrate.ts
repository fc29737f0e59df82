/**
 * Applies prisma/migrations the way `prisma migrate deploy` does, without Prisma's native schema
 * engine (the CLI downloads it from outside the npm registry, which this project cannot rely on).
 *
 * `_prisma_migrations` is kept exactly as the engine keeps it — same DDL, a random UUID per row,
 * the SHA-256 hex of migration.sql as checksum, started_at/finished_at/applied_steps_count — and
 * the same advisory lock serialises concurrent runners, so on a machine that has the engine
 * `prisma migrate status` and `prisma migrate deploy` agree with this runner.
 */
import { createHash, randomUUID } from "node:crypto"
import { readdir, readFile } from "node:fs/promises"
import path from "node:path"
import { fileURLToPath } from "node:url"
import pg from "pg"
import { parseLauncherEnv } from "@/lib/env"

export const MIGRATIONS_DIR = fileURLToPath(new URL("../prisma/migrations", import.meta.url))

/** The lock id Prisma's schema engine takes around migrate commands. */
const PRISMA_ADVISORY_LOCK_ID = 72707369

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`

export type MigrationFile = { name: string; sql: string; checksum: string }

export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex")
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const lock = await readFile(path.join(dir, "migration_lock.toml"), "utf8")
  if (!/provider\s*=\s*"postgresql"/.test(lock)) throw new Error(`${dir}/migration_lock.toml is not for postgresql`)
  const entries = await readdir(dir, { withFileTypes: true })
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8")
      return { name, sql, checksum: migrationChecksum(sql) }
    }),
  )
}

type AppliedRow = { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }

/** Applies pending migrations in name order; returns the names it applied. */
export async function applyMigrations(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await readMigrations(dir)
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK_ID])
    await client.query(CREATE_MIGRATIONS_TABLE)
    const { rows } = await client.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
    )
    const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null)
    if (failed) {
      throw new Error(
        `migration ${failed.migration_name} failed earlier; fix the database, then mark it rolled back (prisma migrate resolve --rolled-back)`,
      )
    }
    const applied = new Map(rows.filter((row) => row.finished_at !== null).map((row) => [row.migration_name, row]))
    const known = new Set(migrations.map((migration) => migration.name))
    for (const name of applied.keys()) {
      if (!known.has(name)) throw new Error(`the database has migration ${name}, which prisma/migrations does not`)
    }
    const done: string[] = []
    for (const migration of migrations) {
      const row = applied.get(migration.name)
      if (row) {
        // An edited migration that already ran means the schema and the files disagree.
        if (row.checksum !== migration.checksum)
          throw new Error(`migration ${migration.name} was changed after it was applied`)
        continue
      }
      const id = randomUUID()
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
        [id, migration.checksum, migration.name],
      )
      try {
        // A multi-statement simple query runs as one implicit transaction, as with the engine.
        await client.query(migration.sql)
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        await client.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, message])
        throw new Error(`migration ${migration.name} failed: ${message}`)
      }
      await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [
        id,
      ])
      done.push(migration.name)
    }
    return done
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK_ID]).catch(() => undefined)
    await client.end()
  }
}

// `npm run migrate`: apply to DATABASE_URL.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const databaseUrl = parseLauncherEnv().DATABASE_URL
  if (!databaseUrl) {
    console.error("migrate: DATABASE_URL is not set")
    process.exit(1)
  }
  applyMigrations(databaseUrl).then(
    (names) => console.log(names.length ? `migrate: applied ${names.join(", ")}` : "migrate: database is up to date"),
    (error: unknown) => {
      console.error(`migrate: ${error instanceof Error ? error.message : String(error)}`)
      process.exit(1)
    },
  )
}
