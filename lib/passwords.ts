import { availableParallelism } from "node:os"
import { hash, verify } from "@node-rs/argon2"
import { getEnv } from "@/lib/env"
import { ApiError } from "@/lib/errors"

/**
 * argon2id at 64 MiB, 3 passes, 4 lanes: above OWASP's minimum (19 MiB, t=2); ~150 ms a check on
 * this 2-core machine, which is what makes a stolen hash expensive to guess at.
 * @node-rs/argon2 ships its binary as a per-platform npm package and needs no build step.
 */
// The algorithm is left at the library's default, argon2id (its enum is a const enum, which
// isolated modules cannot read); passwordNeedsRehash() pins it through the hash prefix.
const HASH_OPTIONS = { memoryCost: 65536, timeCost: 3, parallelism: 4 } as const
const CURRENT_PARAMETERS = `$argon2id$v=19$m=${HASH_OPTIONS.memoryCost},t=${HASH_OPTIONS.timeCost},p=${HASH_OPTIONS.parallelism}$`

/**
 * At most `max` tasks at once, and at most `queue` more waiting for a slot; a caller beyond both
 * is refused at once, before its task starts (it never reaches the thread pool).
 */
export function createConcurrencyGate(options: { max: number; queue: number; onRefused: () => Error }) {
  let running = 0
  const waiting: (() => void)[] = []
  const release = () => {
    const next = waiting.shift()
    if (next) next()
    else running--
  }
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running < options.max) running++
      else if (waiting.length < options.queue) await new Promise<void>((resolve) => waiting.push(resolve))
      else throw options.onRefused()
      // A slot handed over by release() keeps `running` as it is: the finished task's slot is ours.
      try {
        return await task()
      } finally {
        release()
      }
    },
    /** True when a caller arriving now would be refused. */
    get isFull() {
      return running >= options.max && waiting.length >= options.queue
    },
    get running() {
      return running
    },
    get waiting() {
      return waiting.length
    },
  }
}

/**
 * The libuv thread pool (UV_THREADPOOL_SIZE, 4 unless set) runs every argon2 hash, and also DNS
 * lookups, file reads and zlib for the rest of the app. One argon2id check holds a thread ~150 ms,
 * so unauthenticated callers (sign-in, share and upload-request passwords) could hold them all and
 * stall requests that need no hashing. Hashes take at most all threads but one, with a short queue
 * (about a second's wait); anyone past it gets a 503 with Retry-After before any hashing.
 */
const busyError = () =>
  new ApiError("busy", "The server is busy checking passwords; try again in a moment", { "Retry-After": "1" })

let hashGate: ReturnType<typeof createConcurrencyGate> | undefined

/** Built on first use: the pool's size comes from the environment (lib/env.ts), which `next build` does not have. */
function getHashGate() {
  if (hashGate) return hashGate
  const max = Math.max(1, Math.min(getEnv().UV_THREADPOOL_SIZE - 1, availableParallelism()))
  hashGate = createConcurrencyGate({
    max,
    queue: max * 4,
    onRefused: busyError,
  })
  return hashGate
}

/**
 * Refuses (503 busy) when a password check arriving now would be refused anyway, so a caller can
 * skip the work before it (next-auth's CSRF check, rate-limit queries) while the server is busy.
 */
export function assertHashCapacity(): void {
  const gate = getHashGate()
  if (gate.isFull) throw busyError()
}

/** How many hashes run and wait right now (for tests and metrics). */
export const hashLoad = () => ({ running: hashGate?.running ?? 0, waiting: hashGate?.waiting ?? 0 })

export function hashPassword(password: string): Promise<string> {
  return getHashGate().run(() => hash(password, HASH_OPTIONS))
}

let dummyHash: Promise<string> | undefined

/**
 * Checks a password against a stored hash. With no hash (unknown email, or an account that only
 * signs in through OIDC) it still does a full verification against a throwaway hash, so response
 * time does not reveal which emails have accounts.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    // Made outside the gate: it runs once per process, and a refusal must not poison the cache.
    dummyHash ??= hash("valet-timing-equaliser", HASH_OPTIONS)
    const equaliser = await dummyHash
    await getHashGate().run(() => verify(equaliser, password).catch(() => false))
    return false
  }
  return getHashGate().run(async () => {
    try {
      return await verify(storedHash, password)
    } catch {
      // A malformed stored hash is a failed check, not a crash of the sign-in route.
      return false
    }
  })
}

/** True when a hash was made with other settings than today's and should be replaced. */
export function passwordNeedsRehash(storedHash: string): boolean {
  return !storedHash.startsWith(CURRENT_PARAMETERS)
}
