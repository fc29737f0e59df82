import { PrismaPg } from "@prisma/adapter-pg"
import { PrismaClient } from "@/lib/generated/prisma/client"
import { getEnv } from "@/lib/env"

// One client per process; Next's dev server re-evaluates modules on every edit, so the instance
// lives on globalThis there or each reload would open a new connection pool.
const globalForPrisma = globalThis as unknown as { valetPrisma?: PrismaClient }

function createPrismaClient() {
  const adapter = new PrismaPg({ connectionString: getEnv().DATABASE_URL })
  return new PrismaClient({ adapter })
}

export function getDb(): PrismaClient {
  globalForPrisma.valetPrisma ??= createPrismaClient()
  return globalForPrisma.valetPrisma
}
