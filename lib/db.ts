import { PrismaPg } from "@prisma/adapter-pg"
import { PrismaClient } from "@/lib/generated/prisma/client"
import { getEnv } from "@/lib/env"

// One client per process; Next's dev server re-evaluates modules on every edit, so the instance
// lives on globalThis there or each reload would open a new connection pool.
const globalForPrisma = globalThis as unknown as { valetPrisma?: PrismaClient }

/** A database on the same network accepts a connection in milliseconds, even under load. */
const DB_CONNECT_TIMEOUT_MS = 5_000

function createPrismaClient() {
  // node-postgres waits for a connection without limit by default: an unreachable database host
  // would hold every request for the OS's TCP timeout instead of answering 503 in seconds.
  const adapter = new PrismaPg({
    connectionString: getEnv().DATABASE_URL,
    connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS,
  })
  return new PrismaClient({
    adapter,
    // A burst of uploads (hundreds of grants at once) queues for the pool's connections; Prisma's
    // default of 2 s to start a transaction turned such a moment into 500s (tests/cluster/load).
    transactionOptions: { maxWait: 15_000 },
  })
}

export function getDb(): PrismaClient {
  globalForPrisma.valetPrisma ??= createPrismaClient()
  return globalForPrisma.valetPrisma
}
