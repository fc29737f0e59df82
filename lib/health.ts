import { getDb } from "@/lib/db"
import { checkStorage } from "@/lib/storage"
import type { HealthReport } from "@/lib/shared/wire/system"

export type { HealthReport }
export type DependencyState = HealthReport["database"]

/** A check that hangs (a blackholed host) counts as down instead of holding the request. */
const CHECK_TIMEOUT_MS = 3000

async function probe(check: () => Promise<unknown>): Promise<DependencyState> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS)
  })
  try {
    await Promise.race([check(), timeout])
    return "ok"
  } catch {
    return "unavailable"
  } finally {
    clearTimeout(timer)
  }
}

export async function checkHealth(): Promise<HealthReport> {
  const [database, storage] = await Promise.all([probe(() => getDb().$queryRaw`SELECT 1`), probe(() => checkStorage())])
  return { database, storage }
}
