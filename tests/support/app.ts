import { encode } from "next-auth/jwt"
import { vi } from "vitest"
import { logSink } from "@/lib/log"
import { applyMigrations } from "@/scripts/migrate"
import { createFreshDatabase } from "@/tests/support/database"

/** APP_URL's default: the origin the app accepts state-changing cookie requests from. */
export const APP_ORIGIN = "http://localhost:3000"

/**
 * Points the app modules at a new, migrated database with the given settings, so a test file
 * starts from zero accounts. Import app modules (dynamically) only after calling it: lib/env
 * reads the environment once per module instance. Returns the cleanup for afterAll.
 */
export async function useFreshDatabase(env: Record<string, string> = {}) {
  const database = await createFreshDatabase("accounts")
  await applyMigrations(database.url)
  vi.stubEnv("DATABASE_URL", database.url)
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value)
  vi.resetModules()
  return {
    url: database.url,
    async cleanUp() {
      // Close the app's pool before the database goes, or its idle connections error out.
      const { getDb } = await import("@/lib/db")
      await getDb().$disconnect()
      await database.drop()
      vi.unstubAllEnvs()
    },
  }
}

type RequestOptions = { body?: unknown; headers?: Record<string, string>; rawBody?: string }

/** A Request as the browser or curl would send it to a route handler. */
export function apiRequest(method: string, path: string, options: RequestOptions = {}): Request {
  const hasBody = options.body !== undefined || options.rawBody !== undefined
  return new Request(new URL(path, APP_ORIGIN), {
    method,
    headers: { ...(hasBody ? { "content-type": "application/json" } : {}), ...options.headers },
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  })
}

/**
 * A session cookie exactly as next-auth sets it after a sign-in (an encrypted JWT with the user id
 * as subject), for route tests that are about what comes after signing in. Signing in itself is
 * tested through next-auth's real endpoints in e2e/auth-api.spec.ts.
 */
export async function sessionCookie(userId: string, options: { maxAgeSeconds?: number; secret?: string } = {}) {
  const token = await encode({
    // authAt as next-auth's jwt callback sets it at sign-in (compared with "sessions valid after").
    token: { sub: userId, authAt: Date.now() },
    secret: options.secret ?? process.env.AUTH_SECRET ?? "",
    maxAge: options.maxAgeSeconds ?? 3600,
  })
  return `next-auth.session-token=${token}`
}

/** Headers of a same-origin browser request carrying the session. */
export const browserHeaders = async (userId: string) => ({ cookie: await sessionCookie(userId), origin: APP_ORIGIN })

/**
 * Records everything the app writes to the console from now on (and keeps it off the test
 * output), so a test can assert that no URL, signature or token ever reached a log line.
 */
export function captureLogs(into: string[]): void {
  for (const level of ["log", "info", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      into.push(args.map(String).join(" "))
    })
  }
  // lib/log.ts writes JSON lines to one sink per process, whichever module instance logs them.
  vi.spyOn(logSink, "write").mockImplementation((line: string) => void into.push(line))
}
