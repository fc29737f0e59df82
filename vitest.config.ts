import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

/**
 * `npm test` (scripts/test.ts) starts the real services and describes them here:
 * VALET_TEST_DATABASE_URL, and VALET_TEST_STORAGE_PROFILES, a JSON list of
 * `{ name, env }` — one per S3 server (embedded s3rver, Ceph RGW). The integration suite runs once
 * per storage profile, with that profile's S3_* variables as its environment.
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
    ],
  },
})
