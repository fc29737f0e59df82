import { randomBytes } from "node:crypto"
import { mkdir, readFile, writeFile } from "node:fs/promises"
import path from "node:path"
import { ensureOwnerOnlyFile } from "./private-files"

/**
 * The session-encryption secret for a local install: generated once and kept under the data
 * folder, so sessions survive restarts without anyone having to configure AUTH_SECRET.
 */
export async function loadOrCreateAuthSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, "auth-secret")
  const existing = await readFile(file, "utf8").catch(() => "")
  if (existing.trim().length >= 32) {
    await ensureOwnerOnlyFile(file)
    return existing.trim()
  }
  const secret = randomBytes(32).toString("base64url")
  await mkdir(dataDir, { recursive: true })
  await writeFile(file, `${secret}\n`, { mode: 0o600 })
  return secret
}
