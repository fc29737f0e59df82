import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { parseServerEnv } from "@/lib/env"
import { applyLocalStackDefaults } from "@/scripts/services/local-env"

/**
 * `npm run reap` / `npm run reconcile` beside `STORAGE_BACKEND=azure npm run dev`: they find the
 * embedded Azurite the launcher started (its port, and the account key it keeps under
 * VALET_DATA_DIR), as they find the embedded PostgreSQL and S3 server.
 */
const TOUCHED = [
  "STORAGE_BACKEND",
  "VALET_DATA_DIR",
  "VALET_AZURITE_PORT",
  "AZURE_STORAGE_ACCOUNT",
  "AZURE_STORAGE_KEY",
  "AZURE_BLOB_ENDPOINT",
  "AZURE_SAS_ALLOW_HTTP",
  "DATABASE_URL",
  "AUTH_SECRET",
]

describe("operator commands beside npm run dev", () => {
  let saved: Record<string, string | undefined>
  let dataDir: string

  beforeEach(async () => {
    saved = Object.fromEntries(TOUCHED.map((name) => [name, process.env[name]]))
    for (const name of TOUCHED) delete process.env[name]
    dataDir = await mkdtemp(path.join(tmpdir(), "valet-local-env-"))
    const key = Buffer.alloc(64, 7).toString("base64")
    await writeFile(path.join(dataDir, "azurite-credentials.json"), JSON.stringify({ account: "valetdev", key }))
    Object.assign(process.env, {
      STORAGE_BACKEND: "azure",
      VALET_DATA_DIR: dataDir,
      VALET_AZURITE_PORT: "45123",
      DATABASE_URL: "postgresql://valet:secret@127.0.0.1:5432/valet",
      AUTH_SECRET: "a-test-secret-of-enough-length-0123456789",
    })
  })

  afterEach(async () => {
    for (const name of TOUCHED) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }
    await rm(dataDir, { recursive: true, force: true })
  })

  it("reach the launcher's embedded Azurite with the key kept under VALET_DATA_DIR", () => {
    applyLocalStackDefaults()
    const env = parseServerEnv(process.env)
    expect(env).toMatchObject({
      STORAGE_BACKEND: "azure",
      AZURE_STORAGE_ACCOUNT: "valetdev",
      AZURE_STORAGE_KEY: Buffer.alloc(64, 7).toString("base64"),
      AZURE_BLOB_ENDPOINT: "http://127.0.0.1:45123/valetdev",
      AZURE_SAS_ALLOW_HTTP: true,
    })
  })

  it("leave an Azure endpoint set explicitly alone", () => {
    Object.assign(process.env, {
      AZURE_BLOB_ENDPOINT: "https://prod.blob.core.windows.net",
      AZURE_STORAGE_ACCOUNT: "prod",
      AZURE_STORAGE_KEY: Buffer.alloc(64, 9).toString("base64"),
    })
    applyLocalStackDefaults()
    expect(process.env.AZURE_BLOB_ENDPOINT).toBe("https://prod.blob.core.windows.net")
    expect(process.env.AZURE_STORAGE_ACCOUNT).toBe("prod")
    expect(process.env.AZURE_SAS_ALLOW_HTTP).toBeUndefined()
  })
})
