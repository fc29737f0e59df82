import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

/**
 * `npm test` (scripts/test.ts) starts the real services and describes them here:
 * VALET_TEST_DATABASE_URL, and VALET_TEST_STORAGE_PROFILES, a JSON list of
 * `{ name, env }` — one per S3 server (embedded s3rver first, then Ceph RGW).
 *
 * - unit: lib/**\/*.test.ts, no services;
 * - integration:<profile>: tests/integration, once per storage server, with its S3_* variables;
 * - integration:db: tests/db (accounts, tokens, rate limits: PostgreSQL only), once;
 * - system: tests/system (migrations, launcher), once, with the first profile.
 */
type StorageProfile = { name: string; env: Record<string, string> }

const profiles: StorageProfile[] = JSON.parse(process.env.VALET_TEST_STORAGE_PROFILES ?? "[]")
const databaseUrl = process.env.VALET_TEST_DATABASE_URL

export default defineConfig({
  resolve: { alias: [{ find: /^@\//, replacement: fileURLToPath(new URL("./", import.meta.url)) }] },
  test: {
    projects: [
      {
        extends: true as const,
        test: { name: "unit", include: ["lib/**/*.test.ts", "tests/unit/**/*.test.ts"], environment: "node" },
      },
      ...profiles.map((profile) => ({
        extends: true as const,
        test: {
          name: `integration:${profile.name}`,
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
          env: {
            ...profile.env,
            ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
            VALET_STORAGE_PROFILE: profile.name,
          },
        },
      })),
      ...profiles.slice(0, 1).map((profile) => ({
        extends: true as const,
        test: {
          name: "integration:db",
          include: ["tests/db/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
          env: { ...profile.env, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
        },
      })),
      ...profiles.slice(0, 1).map((profile) => ({
        extends: true as const,
        test: {
          name: "system",
          include: ["tests/system/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
          env: { ...profile.env, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
        },
      })),
    ],
  },
})
