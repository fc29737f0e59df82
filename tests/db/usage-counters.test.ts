import { cp, mkdtemp, readdir, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { applyMigrations, MIGRATIONS_DIR } from "@/scripts/migrate"
import { createFreshDatabase, query, withClient } from "@/tests/support/database"

/**
 * The per-account usage counters of issue 20 ("usedBytes" = SUM of the owner's file sizes,
 * "reservedBytes" = SUM of the sizes of its PENDING uploads) at the SQL level: the migration's
 * backfill, and the triggers on every kind of statement that adds or frees bytes, including
 * those no app code path runs (multi-owner statements, TRUNCATE, cascades).
 */
const MIGRATION = "20261130100000_usage_counters"
const ALL_MIGRATIONS = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort()
const drops: (() => Promise<void>)[] = []

afterAll(async () => {
  for (const drop of drops) await drop()
})

async function freshDatabase(): Promise<string> {
  const database = await createFreshDatabase("usage")
  drops.push(database.drop)
  return database.url
}

type Counters = { id: string; usedBytes: number; reservedBytes: number; files: number; pending: number }

/** Each account's counters beside the sums they stand for. */
async function countersOf(url: string): Promise<Counters[]> {
  const rows = await query<Record<string, string>>(
    url,
    `SELECT u.id, u."usedBytes", u."reservedBytes",
            COALESCE((SELECT sum(size) FROM "File" f WHERE f."ownerId" = u.id), 0) AS files,
            COALESCE((SELECT sum(size) FROM "Upload" up WHERE up."ownerId" = u.id AND up.status = 'PENDING'), 0) AS pending
     FROM "User" u ORDER BY u.id`,
  )
  return rows.map((row) => ({
    id: String(row.id),
    usedBytes: Number(row.usedBytes),
    reservedBytes: Number(row.reservedBytes),
    files: Number(row.files),
    pending: Number(row.pending),
  }))
}

const expectCountersRight = async (url: string) => {
  for (const row of await countersOf(url)) {
    expect(row.usedBytes, `${row.id} usedBytes`).toBe(row.files)
    expect(row.reservedBytes, `${row.id} reservedBytes`).toBe(row.pending)
  }
}

const upload = (id: string, owner: string, size: number, status = "PENDING") =>
  `('${id}', '${owner}', 'u/${owner}/${id}', '${id}.bin', 'application/octet-stream', ${size}, '${status}', now() + interval '1 hour')`
const insertUploads = (url: string, rows: string[]) =>
  query(
    url,
    `INSERT INTO "Upload" (id, "ownerId", "objectKey", "fileName", "contentType", size, status, "expiresAt") VALUES ${rows.join(", ")}`,
  )
const insertFiles = (url: string, rows: [string, string, number][]) =>
  query(
    url,
    `INSERT INTO "File" (id, "ownerId", "uploadId", "objectKey", name, "contentType", size) VALUES ${rows
      .map(
        ([upload, owner, size]) =>
          `('f-${upload}', '${owner}', '${upload}', 'u/${owner}/${upload}', 'x', 'x/y', ${size})`,
      )
      .join(", ")}`,
  )
const insertUsers = (url: string, ids: string[]) =>
  query(
    url,
    `INSERT INTO "User" (id, email, "updatedAt") VALUES ${ids.map((id) => `('${id}', '${id}@example.com', now())`).join(", ")}`,
  )

describe(MIGRATION, () => {
  it("backfills each account's counters from the rows already there", async () => {
    const url = await freshDatabase()
    const dir = await mkdtemp(path.join(tmpdir(), "valet-migrations-"))
    try {
      await cp(path.join(MIGRATIONS_DIR, "migration_lock.toml"), path.join(dir, "migration_lock.toml"))
      for (const name of ALL_MIGRATIONS.filter((each) => each < MIGRATION))
        await cp(path.join(MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true })
      await applyMigrations(url, dir)
      await insertUsers(url, ["a", "b", "c"])
      await insertUploads(url, [
        upload("a1", "a", 100, "COMPLETED"),
        upload("a2", "a", 20),
        upload("a3", "a", 7, "EXPIRED"),
        upload("a4", "a", 3, "ABORTED"),
        upload("b1", "b", 5000, "COMPLETED"),
        upload("b2", "b", 1, "COMPLETED"),
        upload("b3", "b", 40),
      ])
      await insertFiles(url, [
        ["a1", "a", 100],
        ["b1", "b", 5000],
        ["b2", "b", 1],
      ])

      await cp(path.join(MIGRATIONS_DIR, MIGRATION), path.join(dir, MIGRATION), { recursive: true })
      expect(await applyMigrations(url, dir)).toEqual([MIGRATION])
      expect(await countersOf(url)).toEqual([
        { id: "a", usedBytes: 100, reservedBytes: 20, files: 100, pending: 20 },
        { id: "b", usedBytes: 5001, reservedBytes: 40, files: 5001, pending: 40 },
        { id: "c", usedBytes: 0, reservedBytes: 0, files: 0, pending: 0 },
      ])
      expect(await query(url, `SELECT valet_bytes_in_use('b') AS used`)).toEqual([{ used: "5041" }])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe("the usage triggers", () => {
  let url: string
  beforeAll(async () => {
    url = await freshDatabase()
    await applyMigrations(url)
  })

  it("follow inserts, status changes, size and owner changes and deletes, one statement over many owners", async () => {
    await insertUsers(url, ["m1", "m2", "m3"])
    await insertUploads(url, [
      upload("m1a", "m1", 10),
      upload("m1b", "m1", 20),
      upload("m2a", "m2", 30),
      upload("m3a", "m3", 40, "COMPLETED"),
    ])
    await expectCountersRight(url)
    // The reaper's statement: many owners, PENDING → EXPIRED.
    await query(url, `UPDATE "Upload" SET status = 'EXPIRED' WHERE id IN ('m1a', 'm2a')`)
    await expectCountersRight(url)
    // A completion: PENDING → COMPLETED and the file, in one transaction.
    await withClient(url, async (client) => {
      await client.query("BEGIN")
      await client.query(`UPDATE "Upload" SET status = 'COMPLETED' WHERE id = 'm1b'`)
      await client.query(
        `INSERT INTO "File" (id, "ownerId", "uploadId", "objectKey", name, "contentType", size) VALUES ('f-m1b', 'm1', 'm1b', 'u/m1/m1b', 'x', 'x/y', 20)`,
      )
      await client.query("COMMIT")
    })
    await insertFiles(url, [["m3a", "m3", 40]])
    await expectCountersRight(url)
    expect((await countersOf(url)).map((row) => [row.id, row.usedBytes, row.reservedBytes])).toEqual([
      ["m1", 20, 0],
      ["m2", 0, 0],
      ["m3", 40, 0],
    ])
    // Changes no app path makes, kept right all the same.
    await query(url, `UPDATE "File" SET size = size + 5`)
    await query(url, `UPDATE "File" SET "ownerId" = 'm2' WHERE id = 'f-m3a'`)
    await query(url, `UPDATE "Upload" SET status = 'PENDING' WHERE id = 'm2a'`)
    await query(url, `UPDATE "Upload" SET size = 31 WHERE id = 'm2a'`)
    await expectCountersRight(url)
    await query(url, `DELETE FROM "File" WHERE "ownerId" IN ('m1', 'm2')`)
    await query(url, `DELETE FROM "Upload" WHERE id = 'm2a'`)
    await expectCountersRight(url)
    expect((await countersOf(url)).every((row) => row.usedBytes === 0 && row.reservedBytes === 0)).toBe(true)
  })

  it("survive an account's deletion (cascades) without touching anyone else's", async () => {
    await insertUsers(url, ["d1", "d2"])
    await insertUploads(url, [upload("d1a", "d1", 11, "COMPLETED"), upload("d1b", "d1", 12), upload("d2a", "d2", 13)])
    await insertFiles(url, [["d1a", "d1", 11]])
    await query(url, `DELETE FROM "User" WHERE id = 'd1'`)
    await expectCountersRight(url)
    expect((await countersOf(url)).find((row) => row.id === "d2")).toMatchObject({ reservedBytes: 13 })
  })

  it("reset on TRUNCATE, which fires no delete trigger", async () => {
    await insertUsers(url, ["t1"])
    await insertUploads(url, [upload("t1a", "t1", 50, "COMPLETED"), upload("t1b", "t1", 60)])
    await insertFiles(url, [["t1a", "t1", 50]])
    await query(url, `TRUNCATE "File" CASCADE`)
    await expectCountersRight(url)
    await query(url, `TRUNCATE "Upload" CASCADE`)
    await expectCountersRight(url)
    expect((await countersOf(url)).every((row) => row.usedBytes === 0 && row.reservedBytes === 0)).toBe(true)
  })

  it("stay right under concurrent statements that each close uploads of the same twenty owners", async () => {
    const owners = Array.from({ length: 20 }, (_, index) => `x${String(index).padStart(2, "0")}`)
    await insertUsers(url, owners)
    await insertUploads(
      url,
      owners.flatMap((owner) => Array.from({ length: 6 }, (_, index) => upload(`${owner}-${index}`, owner, 1 + index))),
    )
    // Six transactions, each closing one upload of every owner in one statement (listed in its
    // own order) and holding its locks a moment: all six need all twenty owners.
    await Promise.all(
      Array.from({ length: 6 }, (_, round) =>
        withClient(url, async (client) => {
          const ids = owners.map((owner) => `${owner}-${round}`)
          await client.query("BEGIN")
          await client.query(`UPDATE "Upload" SET status = 'EXPIRED' WHERE id = ANY($1::text[])`, [
            round % 2 === 0 ? ids : ids.reverse(),
          ])
          await client.query("SELECT pg_sleep(0.05)")
          await client.query("COMMIT")
        }),
      ),
    )
    await expectCountersRight(url)
    expect(
      (await countersOf(url)).filter((row) => row.id.startsWith("x")).every((row) => row.reservedBytes === 0),
    ).toBe(true)
  })
})
