import { afterAll, beforeAll, vi } from "vitest"
import type { AccountUser } from "@/lib/accounts"
import { captureLogs, useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"

/**
 * What every area's world (tests/support/<area>/world.ts) sets up alike for its test file: a
 * fresh, migrated database with the area's settings, the app's log lines captured for the
 * "never logged a key" checks, the area's accounts, and all of it given back afterwards. The
 * area adds its own routes, modules and seed in `ready`, and its own clean-up in `cleanUp`.
 */
export const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
export const MIB = 1024 * 1024

/** This test file's database (one world per file). */
export let database: Awaited<ReturnType<typeof useFreshDatabase>>

/** The accounts' password: no world signs in with it, sign-in is tested through next-auth itself. */
const PASSWORD = "perfectly-fine-1"

export type WorldOptions<Name extends string> = {
  /** Settings for this file; lib/env reads them when `ready` imports the app's modules. */
  env?: Record<string, string>
  /** Where the app's log lines go (off the console), for the file's log checks. */
  logs?: string[]
  /** Accounts by name → email, registered in this order: the first account is the admin. */
  users?: Record<Name, string>
  /** What must run before the database is made (a webhook receiver). */
  before?: () => Promise<unknown>
  /** The area's routes, modules and seed, once the database and the accounts exist. */
  ready?: (users: Record<Name, AccountUser>) => Promise<void>
  /** What the file leaves in storage or running, given back while the database is still there. */
  cleanUp?: () => Promise<unknown>
  /** For beforeAll, when the seed is slow. */
  timeout?: number
}

/** Registers this file's beforeAll and afterAll; call it once, at the top of the file (through the area's world). */
export function setUpWorld<Name extends string = never>(options: WorldOptions<Name>) {
  beforeAll(async () => {
    await options.before?.()
    database = await useFreshDatabase(options.env)
    if (options.logs) captureLogs(options.logs)
    const { registerUser } = await import("@/lib/accounts")
    const users = {} as Record<Name, AccountUser>
    for (const [name, email] of Object.entries<string>(options.users ?? {})) {
      // Seeded accounts are made even where self-registration is closed (the admin world's setting).
      users[name as Name] = await registerUser({ email, password: PASSWORD }, undefined, { allowWhenClosed: true })
    }
    await options.ready?.(users)
  }, options.timeout)

  afterAll(async () => {
    await options.cleanUp?.()
    vi.restoreAllMocks()
    await database?.cleanUp()
  })
}

/** How many rows of a table in this file's database match `where`. */
export const count = async (table: string, where = "TRUE", values: unknown[] = []) =>
  Number(
    (await query<{ count: string }>(database.url, `SELECT count(*) FROM "${table}" WHERE ${where}`, values))[0]?.count,
  )
