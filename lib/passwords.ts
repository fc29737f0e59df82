import argon2 from "argon2"

// argon2id with the library's defaults (64 MiB, t=3, p=4): above OWASP's minimum, ~120 ms here.
const HASH_OPTIONS = { type: argon2.argon2id } as const

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS)
}

let dummyHash: Promise<string> | undefined

/**
 * Checks a password against a stored hash. With no hash (unknown email, or an account that only
 * signs in through OIDC) it still does a full verification against a throwaway hash, so response
 * time does not reveal which emails have accounts.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= argon2.hash("valet-timing-equaliser", HASH_OPTIONS)
    await argon2.verify(await dummyHash, password).catch(() => false)
    return false
  }
  try {
    return await argon2.verify(storedHash, password)
  } catch {
    // A malformed stored hash is a failed check, not a crash of the sign-in route.
    return false
  }
}

/** True when a hash was made with weaker settings than today's and should be replaced. */
export function passwordNeedsRehash(storedHash: string): boolean {
  try {
    return argon2.needsRehash(storedHash)
  } catch {
    return false
  }
}
