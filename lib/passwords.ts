import { hash, verify } from "@node-rs/argon2"

/**
 * argon2id at 64 MiB, 3 passes, 4 lanes: above OWASP's minimum (19 MiB, t=2); ~150 ms a check on
 * this 2-core machine, which is what makes a stolen hash expensive to guess at.
 * @node-rs/argon2 ships its binary as a per-platform npm package and needs no build step.
 */
// The algorithm is left at the library's default, argon2id (its enum is a const enum, which
// isolated modules cannot read); passwordNeedsRehash() pins it through the hash prefix.
const HASH_OPTIONS = { memoryCost: 65536, timeCost: 3, parallelism: 4 } as const
const CURRENT_PARAMETERS = `$argon2id$v=19$m=${HASH_OPTIONS.memoryCost},t=${HASH_OPTIONS.timeCost},p=${HASH_OPTIONS.parallelism}$`

export function hashPassword(password: string): Promise<string> {
  return hash(password, HASH_OPTIONS)
}

let dummyHash: Promise<string> | undefined

/**
 * Checks a password against a stored hash. With no hash (unknown email, or an account that only
 * signs in through OIDC) it still does a full verification against a throwaway hash, so response
 * time does not reveal which emails have accounts.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hash("valet-timing-equaliser", HASH_OPTIONS)
    await verify(await dummyHash, password).catch(() => false)
    return false
  }
  try {
    return await verify(storedHash, password)
  } catch {
    // A malformed stored hash is a failed check, not a crash of the sign-in route.
    return false
  }
}

/** True when a hash was made with other settings than today's and should be replaced. */
export function passwordNeedsRehash(storedHash: string): boolean {
  return !storedHash.startsWith(CURRENT_PARAMETERS)
}
