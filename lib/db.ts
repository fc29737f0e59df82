import { PrismaPg } from "@prisma/adapter-pg"
import pg from "pg"
import { PrismaClient } from "@/lib/generated/prisma/client"
import { getEnv } from "@/lib/env"
import { DatabaseUnavailableError, isPgConnectionLost } from "@/lib/errors"

// One client per process; Next's dev server re-evaluates modules on every edit, so the instance
// lives on globalThis there or each reload would open a new connection pool.
const globalForPrisma = globalThis as unknown as { valetPrisma?: PrismaClient; valetPool?: pg.Pool }

/** A database on the same network accepts a connection in milliseconds, even under load. */
const DB_CONNECT_TIMEOUT_MS = 5_000

function createPrismaClient(pool: pg.Pool) {
  // Prisma runs on the same pool the hot paths' prepared statements use (getPool), so both share
  // one set of connections; $disconnect() ends it.
  const adapter = new PrismaPg(pool, { disposeExternalPool: true })
  return new PrismaClient({
    adapter,
    // A burst of uploads (hundreds of grants at once) queues for the pool's connections; Prisma's
    // default of 2 s to start a transaction turned such a moment into 500s (tests/cluster/load).
    transactionOptions: { maxWait: 15_000 },
  })
}

function current(): { db: PrismaClient; pool: pg.Pool } {
  const pool = globalForPrisma.valetPool
  if (!pool || pool.ending || pool.ended || !globalForPrisma.valetPrisma) {
    // node-postgres waits for a connection without limit by default: an unreachable database host
    // would hold every request for the OS's TCP timeout instead of answering 503 in seconds.
    const fresh = new pg.Pool({
      connectionString: getEnv().DATABASE_URL,
      connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS,
    })
    globalForPrisma.valetPool = fresh
    globalForPrisma.valetPrisma = createPrismaClient(fresh)
    return { db: globalForPrisma.valetPrisma, pool: fresh }
  }
  return { db: globalForPrisma.valetPrisma, pool }
}

export function getDb(): PrismaClient {
  return current().db
}

/**
 * The connection pool itself, for the few statements on hot paths (API-token lookup, rate limits,
 * share links) that run as named prepared statements: parsed and planned once per connection, and
 * none of Prisma's query building per call. Results must not carry `timestamp` columns (node-postgres
 * reads them in the server's local time; Prisma stores UTC): compare times in SQL, return numbers.
 */
export function getPool(): pg.Pool {
  return current().pool
}

/**
 * One prepared statement on the pool (see getPool). A lost or refused connection becomes a
 * DatabaseUnavailableError, which the error mapper answers as 503 database_unavailable, as it does
 * for Prisma's own; node-postgres' raw socket errors would otherwise be a 500.
 */
export async function queryPrepared<Row extends pg.QueryResultRow>(
  config: pg.QueryConfig,
): Promise<pg.QueryResult<Row>> {
  try {
    return await getPool().query<Row>(config)
  } catch (error) {
    throw isPgConnectionLost(error) ? new DatabaseUnavailableError(error) : error
  }
}
