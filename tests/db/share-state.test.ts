import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { ShareState, ShareStateFields } from "@/lib/share-state"
import { useFreshDatabase } from "@/tests/support/app"

/**
 * A link's state has two forms (lib/share-state.ts): shareStateOf for a row in hand, and
 * shareStateWhere for PostgreSQL. Random links, written to the real database, must land in
 * exactly the state both forms give them; otherwise a list filter and a download would disagree.
 */
const STATES: readonly ShareState[] = ["active", "expired", "used_up", "revoked"]
const RUNS = 40

let database: Awaited<ReturnType<typeof useFreshDatabase>>
let shareState: typeof import("@/lib/share-state")
let db: ReturnType<typeof import("@/lib/db").getDb>
let ownerId: string
let fileId: string

beforeAll(async () => {
  database = await useFreshDatabase()
  shareState = await import("@/lib/share-state")
  db = (await import("@/lib/db")).getDb()
  const { registerUser } = await import("@/lib/accounts")
  ownerId = (await registerUser({ email: "owner@example.com", password: "perfectly-fine-1" })).id
  const upload = await db.upload.create({
    data: {
      ownerId,
      objectKey: `u/${ownerId}/x`,
      fileName: "x.bin",
      contentType: "application/octet-stream",
      size: 1n,
      expiresAt: new Date(),
      status: "COMPLETED",
      closedAt: new Date(),
    },
  })
  fileId = (
    await db.file.create({
      data: {
        ownerId,
        uploadId: upload.id,
        objectKey: upload.objectKey,
        name: "x.bin",
        contentType: "application/octet-stream",
        size: 1n,
      },
    })
  ).id
})

afterAll(() => database.cleanUp())

/** Times around `now`, including exactly now (where expiry is decided by `<=`) and a millisecond either side. */
const offsetMs = fc.constantFrom(-86_400_000, -1, 0, 1, 86_400_000)
const linkArbitrary = fc.record({
  hasFile: fc.boolean(),
  revokedOffset: fc.option(offsetMs, { nil: null }),
  expiresOffset: fc.option(offsetMs, { nil: null }),
  maxDownloads: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
  downloads: fc.integer({ min: 0, max: 4 }),
})

describe("share state: the JS form and the SQL form agree on PostgreSQL", () => {
  it("puts every random link in the same state both ways", async () => {
    let seen = 0
    const statesSeen = new Set<ShareState>()
    await fc.assert(
      fc.asyncProperty(fc.array(linkArbitrary, { minLength: 1, maxLength: 12 }), async (links) => {
        // Whole milliseconds: PostgreSQL keeps microseconds, JS Dates milliseconds; both see the same instant.
        const now = new Date(Math.floor(Date.now() / 1000) * 1000)
        const at = (offset: number | null) => (offset === null ? null : new Date(now.getTime() + offset))
        const rows: (ShareStateFields & { id: string })[] = []
        for (const link of links) {
          const fields = {
            revokedAt: at(link.revokedOffset),
            expiresAt: at(link.expiresOffset),
            maxDownloads: link.maxDownloads,
            downloads: link.downloads,
          }
          const { id } = await db.share.create({
            data: {
              ownerId,
              tokenHash: crypto.randomUUID(),
              ...fields,
              ...(link.hasFile ? { files: { create: [{ fileId, position: 0 }] } } : {}),
            },
            select: { id: true },
          })
          rows.push({ id, ...fields, fileCount: link.hasFile ? 1 : 0 })
        }
        const ids = rows.map((row) => row.id)
        for (const state of STATES) {
          const matched = await db.share.findMany({
            where: { AND: [shareState.shareStateWhere(state, now), { id: { in: ids } }] },
            select: { id: true },
          })
          const expected = rows.filter((row) => shareState.shareStateOf(row, now) === state).map((row) => row.id)
          expect(matched.map((row) => row.id).sort(), state).toEqual(expected.sort())
          if (expected.length > 0) statesSeen.add(state)
        }
        seen += rows.length
      }),
      { numRuns: RUNS },
    )
    expect(seen).toBeGreaterThan(RUNS)
    expect([...statesSeen].sort()).toEqual([...STATES].sort())
  }, 120_000)
})
