import { chmod, mkdir, stat } from "node:fs/promises"

/**
 * The embedded services keep secrets on disk: the session secret, the database's and the S3
 * server's credentials, and every stored object under `s3/`. Only their owner may read them.
 * `mode` on mkdir/writeFile applies only when the entry is created, so an existing folder or file
 * (from an older version, a restored backup, a loose umask) is tightened here too.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await tighten(dir, 0o700)
}

/** Makes an existing file owner-only (0600 or tighter); a missing one is left for its creator. */
export async function ensureOwnerOnlyFile(file: string): Promise<void> {
  await tighten(file, 0o600).catch((error: unknown) => {
    if (!(error instanceof Error && "code" in error && error.code === "ENOENT")) throw error
  })
}

async function tighten(entry: string, mode: number): Promise<void> {
  const current = (await stat(entry)).mode & 0o777
  if (current & 0o077) await chmod(entry, current & mode)
}
