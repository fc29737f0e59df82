import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadOrCreateAuthSecret } from "@/scripts/services/auth-secret"
import { startEmbeddedS3 } from "@/scripts/services/embedded-s3"
import { freePort } from "@/scripts/services/ports"

/**
 * The embedded services' secrets and stored objects are readable by their owner only — also when
 * they already exist with looser modes (an older version, a restored backup, a loose umask).
 */
const modeOf = async (entry: string) => (await stat(entry)).mode & 0o777

describe("files the embedded services keep", () => {
  let dataDir: string

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "valet-modes-"))
  })

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it("the session secret: created 0600, and an existing world-readable one is made 0600", async () => {
    await loadOrCreateAuthSecret(path.join(dataDir, "fresh"))
    expect(await modeOf(path.join(dataDir, "fresh", "auth-secret"))).toBe(0o600)

    const old = path.join(dataDir, "old")
    await mkdir(old)
    await writeFile(path.join(old, "auth-secret"), `${"s".repeat(43)}\n`)
    await chmod(path.join(old, "auth-secret"), 0o644)
    expect(await loadOrCreateAuthSecret(old)).toBe("s".repeat(43))
    expect(await modeOf(path.join(old, "auth-secret"))).toBe(0o600)
  })

  it("the S3 data folder is 0700 and its credentials 0600, whatever modes they had", async () => {
    const s3Dir = path.join(dataDir, "s3")
    const credentialsFile = path.join(dataDir, "s3-credentials.json")
    await mkdir(s3Dir, { mode: 0o755 })
    await chmod(s3Dir, 0o755)
    await writeFile(
      credentialsFile,
      JSON.stringify({ accessKeyId: "AKIAMODETEST00000000", secretAccessKey: "x".repeat(40) }),
    )
    await chmod(credentialsFile, 0o644)

    const s3 = await startEmbeddedS3({ dataDir: s3Dir, credentialsFile, port: await freePort() })
    try {
      expect(await modeOf(s3Dir)).toBe(0o700)
      expect(await modeOf(credentialsFile)).toBe(0o600)
    } finally {
      await s3.stop()
    }

    // A fresh install gets the same.
    const freshDir = path.join(dataDir, "fresh-s3")
    const freshCredentials = path.join(dataDir, "fresh-s3-credentials.json")
    const fresh = await startEmbeddedS3({
      dataDir: freshDir,
      credentialsFile: freshCredentials,
      port: await freePort(),
    })
    try {
      expect(await modeOf(freshDir)).toBe(0o700)
      expect(await modeOf(freshCredentials)).toBe(0o600)
    } finally {
      await fresh.stop()
    }
  })
})
