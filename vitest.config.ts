import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

/**
 * `npm test` (scripts/test.ts) starts the real services and describes them here:
 * VALET_TEST_DATABASE_URL, and VALET_TEST_STORAGE_PROFILES, a JSON list of
 * `{ name, env }` — one per S3 server (embedded s3rver first, then Ceph RGW).
 *
 * - unit: lib/**\/*.test.ts, no services;
 * - integration:<profile>: tests/integration, once per storage server, with its S3_* variables
 *   (or, for `azurite`, STORAGE_BACKEND=azure and its AZURE_* variables);
 * - integration:db: tests/db (accounts, tokens, rate limits: PostgreSQL only), once;
 * - system: tests/system (migrations, launcher), once, with the first profile.
 * Integration and db tests call route handlers in-process with a Request that has no socket, and
 * play the one proxy in front (TRUSTED_PROXY_COUNT=1): each sends the X-Forwarded-For it wants.
 * (cluster:<profile> below runs in a separate phase.)
 */
/**
 * `cluster`: which tests/cluster files the profile runs (all when absent, none when false); see
 * scripts/test.ts for why a profile runs fewer.
 */
type StorageProfile = { name: string; env: Record<string, string>; cluster?: boolean | string[] }

const profiles: StorageProfile[] = JSON.parse(process.env.VALET_TEST_STORAGE_PROFILES ?? "[]")
const databaseUrl = process.env.VALET_TEST_DATABASE_URL
const clusterPhase = process.env.VALET_TEST_PHASE === "cluster"

/**
 * cluster:<profile>: tests/cluster, once per storage server, in a phase of its own after the build
 * (scripts/test.ts runs it with VALET_TEST_PHASE=cluster, one file at a time). These tests start
 * app instances (`next start`) themselves and stop them; see tests/support/app-instance.ts.
 */
const clusterProjects = profiles
  .filter((profile) => profile.cluster !== false)
  .map((profile) => ({
    extends: true as const,
    test: {
      name: `cluster:${profile.name}`,
      include: Array.isArray(profile.cluster) ? profile.cluster : ["tests/cluster/**/*.test.ts"],
      environment: "node",
      testTimeout: 300_000,
      hookTimeout: 300_000,
      env: {
        ...profile.env,
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        VALET_STORAGE_PROFILE: profile.name,
      },
    },
  }))

export default defineConfig({
  resolve: { alias: [{ find: /^@\//, replacement: fileURLToPath(new URL("./", import.meta.url)) }] },
  test: {
    projects: clusterPhase
      ? clusterProjects
      : [
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
                TRUSTED_PROXY_COUNT: "1",
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
              env: { ...profile.env, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), TRUSTED_PROXY_COUNT: "1" },
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
