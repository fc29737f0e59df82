import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { PrismaPg } from "@prisma/adapter-pg"
import { afterAll, beforeEach, describe, expect, it } from "vitest"
import { PrismaClient } from "@/lib/generated/prisma/client"
import { applyMigrations, MIGRATIONS_DIR, migrationChecksum } from "@/scripts/migrate"
import { createFreshDatabase, query } from "@/tests/support/database"

/** Every migration in the repository, oldest first (folder names start with a timestamp). */
const ALL_MIGRATIONS = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()
const drops: (() => Promise<void>)[] = []

/** A new, empty database on the test server; its URL. */
async function freshDatabase(): Promise<string> {
  const database = await createFreshDatabase("migrate")
  drops.push(database.drop)
  return database.url
}

afterAll(async () => {
  for (const drop of drops) await drop()
})

describe("applyMigrations", () => {
  let url: string
  beforeEach(async () => {
    url = await freshDatabase()
  })

  it("applies every migration once and records it as prisma migrate deploy does", async () => {
    const applied = await applyMigrations(url)
    expect(ALL_MIGRATIONS[0]).toBe("20261123120000_init")
    expect(applied).toEqual(ALL_MIGRATIONS)
    const rows = await query<Record<string, unknown>>(url, `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`)
    expect(rows.map((row) => row.migration_name)).toEqual(ALL_MIGRATIONS)
    const row = rows[0] ?? {}
    const sql = await readFile(path.join(MIGRATIONS_DIR, "20261123120000_init", "migration.sql"), "utf8")
    expect(row.migration_name).toBe("20261123120000_init")
    expect(row.checksum).toBe(migrationChecksum(sql))
    expect(row.checksum).toMatch(/^[0-9a-f]{64}$/)
    expect(row.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(row.finished_at).toBeInstanceOf(Date)
    expect(row.applied_steps_count).toBe(1)
    expect(row.logs).toBeNull()
    expect(row.rolled_back_at).toBeNull()
  })

  it("creates _prisma_migrations with the engine's exact columns", async () => {
    await applyMigrations(url)
    const columns = await query<{
      column_name: string
      data_type: string
      is_nullable: string
      character_maximum_length: number | null
    }>(
      url,
      `SELECT column_name, data_type, is_nullable, character_maximum_length FROM information_schema.columns
       WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    )
    expect(
      columns.map((column) => [
        column.column_name,
        column.data_type,
        column.is_nullable,
        column.character_maximum_length,
      ]),
    ).toEqual([
      ["id", "character varying", "NO", 36],
      ["checksum", "character varying", "NO", 64],
      ["finished_at", "timestamp with time zone", "YES", null],
      ["migration_name", "character varying", "NO", 255],
      ["logs", "text", "YES", null],
      ["rolled_back_at", "timestamp with time zone", "YES", null],
      ["started_at", "timestamp with time zone", "NO", null],
      ["applied_steps_count", "integer", "NO", null],
    ])
  })

  it("is idempotent, and concurrent runners apply each migration exactly once", async () => {
    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)])
    expect(results.flat().sort()).toEqual(ALL_MIGRATIONS)
    expect(await applyMigrations(url)).toEqual([])
    expect(await query(url, `SELECT 1 FROM "_prisma_migrations"`)).toHaveLength(ALL_MIGRATIONS.length)
  })

  it("builds the schema the generated Prisma client expects", async () => {
    await applyMigrations(url)
    const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) })
    try {
      const user = await db.user.create({ data: { email: "first@example.com" } })
      expect(user.role).toBe("USER")
      expect(await db.user.findUnique({ where: { email: "first@example.com" }, select: { id: true } })).toEqual({
        id: user.id,
      })
      await expect(db.user.create({ data: { email: "first@example.com" } })).rejects.toMatchObject({ code: "P2002" })
    } finally {
      await db.$disconnect()
    }
  })

  describe("with a migration folder of its own", () => {
    let dir: string
    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), "valet-migrations-"))
      await cp(MIGRATIONS_DIR, dir, { recursive: true })
      return () => rm(dir, { recursive: true, force: true })
    })

    it("records a failing migration with its error and refuses to go on until it is resolved", async () => {
      const broken = path.join(dir, "20990101000000_broken")
      await mkdir(broken)
      await writeFile(
        path.join(broken, "migration.sql"),
        `CREATE TABLE "ok" ("id" INT);\nSELECT * FROM "no_such_table";\n`,
      )

      await expect(applyMigrations(url, dir)).rejects.toThrow(/20990101000000_broken failed: .*no_such_table/)
      const rows = await query<{ migration_name: string; finished_at: Date | null; logs: string | null }>(
        url,
        `SELECT migration_name, finished_at, logs FROM "_prisma_migrations" ORDER BY started_at`,
      )
      expect(rows.map((row) => [row.migration_name, row.finished_at === null])).toEqual([
        ...ALL_MIGRATIONS.map((name) => [name, false]),
        ["20990101000000_broken", true],
      ])
      expect(rows.at(-1)?.logs).toMatch(/no_such_table/)
      // The script ran as one transaction: its first statement did not stick either.
      expect(await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'ok'`)).toHaveLength(0)
      await expect(applyMigrations(url, dir)).rejects.toThrow(/failed earlier/)
    })

    it("refuses to run when an applied migration was edited afterwards", async () => {
      await applyMigrations(url, dir)
      await writeFile(path.join(dir, "20261123120000_init", "migration.sql"), "-- edited\n", { flag: "a" })
      await expect(applyMigrations(url, dir)).rejects.toThrow(/changed after it was applied/)
    })
  })
})

describe("20261129120000_multi_file_shares", () => {
  it("moves each one-file link into ShareFile and keeps a link whose file was deleted revoked", async () => {
    const url = await freshDatabase()
    const MIGRATION = "20261129120000_multi_file_shares"
    const dir = await mkdtemp(path.join(tmpdir(), "valet-migrations-"))
    try {
      await cp(path.join(MIGRATIONS_DIR, "migration_lock.toml"), path.join(dir, "migration_lock.toml"))
      for (const name of ALL_MIGRATIONS.filter((each) => each < MIGRATION))
        await cp(path.join(MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true })
      await applyMigrations(url, dir)
      await query(url, `INSERT INTO "User" (id, email, "updatedAt") VALUES ('u1', 'a@example.com', now())`)
      await query(
        url,
        `INSERT INTO "Upload" (id, "ownerId", "objectKey", "fileName", "contentType", size, "expiresAt") VALUES ('up1', 'u1', 'u/u1/up1', 'a.txt', 'text/plain', 1, now())`,
      )
      await query(
        url,
        `INSERT INTO "File" (id, "ownerId", "uploadId", "objectKey", name, "contentType", size) VALUES ('f1', 'u1', 'up1', 'u/u1/up1', 'a.txt', 'text/plain', 1)`,
      )
      await query(
        url,
        `INSERT INTO "Share" (id, "ownerId", "fileId", "tokenHash") VALUES ('s1', 'u1', 'f1', 'h1'), ('s2', 'u1', NULL, 'h2')`,
      )

      await cp(path.join(MIGRATIONS_DIR, MIGRATION), path.join(dir, MIGRATION), { recursive: true })
      expect(await applyMigrations(url, dir)).toEqual([MIGRATION])
      expect(await query(url, `SELECT "shareId", "fileId", position FROM "ShareFile"`)).toEqual([
        { shareId: "s1", fileId: "f1", position: 0 },
      ])
      const shares = await query<{ id: string; revokedAt: Date | null }>(
        url,
        `SELECT id, "revokedAt" FROM "Share" ORDER BY id`,
      )
      expect(shares.map((share) => [share.id, share.revokedAt !== null])).toEqual([
        ["s1", false],
        ["s2", true],
      ])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
