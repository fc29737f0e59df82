import { readdirSync, readFileSync } from "node:fs"
import path from "node:path"
import nextCoreWebVitals from "eslint-config-next/core-web-vitals"
import nextTypescript from "eslint-config-next/typescript"

/** Files under app/ that run in the browser: those that start with the "use client" directive. */
function clientFilesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => path.relative(".", path.join(entry.parentPath, entry.name)))
    .filter((file) => /^\s*["']use client["']/.test(readFileSync(file, "utf8")))
}

// Outside the storage module, the SDK is reached through lib/storage.ts (keys, presigning, errors
// that never log a URL); bench, scripts and tests may drive storage directly.
// The storage port (lib/storage/index.ts) is the only way to object storage: each cloud's SDK
// belongs to its adapter alone, so nothing above the port depends on which cloud it runs on.
const AWS_SDK_ONLY_IN_STORAGE = {
  group: ["@aws-sdk/*"],
  message: "Only lib/storage/s3.ts talks to S3; import from @/lib/storage.",
}
const AZURE_SDK_ONLY_IN_ADAPTER = {
  group: ["@azure/storage-blob", "@azure/storage-blob/*"],
  message: "Only lib/storage/azure.ts talks to Azure; import from @/lib/storage.",
}
const ADAPTERS_ONLY_THROUGH_PORT = {
  group: ["@/lib/storage/s3", "@/lib/storage/azure"],
  message: "Use the port (@/lib/storage), not an adapter.",
}
const STORAGE_RULES = [AWS_SDK_ONLY_IN_STORAGE, AZURE_SDK_ONLY_IN_ADAPTER, ADAPTERS_ONLY_THROUGH_PORT]
// Browser code gets only browser-safe modules: a server module pulls the database, storage or
// secrets into the bundle. Types are erased, so type-only imports are fine.
const BROWSER_SAFE_LIB_ONLY = {
  group: ["@/lib/*", "!@/lib/shared", "@/lib/*/**", "!@/lib/shared/**"],
  allowTypeImports: true,
  message: "Browser code imports only from lib/shared/ (type-only imports from elsewhere are allowed).",
}
// The CLI (cli/) is its own package, to be published apart: it talks to Valet over HTTP only, so
// nothing of the app (database, storage, secrets, path aliases) may reach it.
const CLI_STANDS_ALONE = {
  group: ["@/*", "../*", "!./*"],
  message: "The CLI is a package of its own: import only its own modules (./…) and Node's built-ins.",
}
const PROCESS_ENV_ONLY_IN_ENV = {
  object: "process",
  property: "env",
  message: "Read configuration through lib/env.ts (validated once, the only reader of process.env).",
}
// instrumentation.ts reads NEXT_RUNTIME, which Next.js inlines per bundle (Node or edge) at build time.
const CONFIG_AND_TOOLING = [
  "instrumentation.ts",
  "scripts/**",
  "tests/**",
  "e2e/**",
  "bench/**",
  "lib/**/*.test.ts",
  "*.config.{ts,mjs,js}",
]

const eslintConfig = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  // Playwright fixtures hand their value on through a callback named `use`, which the React rule
  // mistakes for React's use() hook.
  { files: ["e2e/**/*.ts"], rules: { "react-hooks/rules-of-hooks": "off" } },
  {
    files: ["**/*.{ts,tsx}"],
    ignores: ["lib/storage/s3.ts", "lib/storage/azure.ts", "lib/storage/index.ts", ...CONFIG_AND_TOOLING],
    rules: { "no-restricted-imports": ["error", { patterns: STORAGE_RULES }] },
  },
  {
    files: ["components/**/*.{ts,tsx}", "lib/shared/**/*.ts", ...clientFilesUnder("app")],
    ignores: ["lib/**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [...STORAGE_RULES, BROWSER_SAFE_LIB_ONLY] }] },
  },
  {
    files: ["**/*.{ts,tsx,mjs}"],
    ignores: ["lib/env.ts", "cli/**", ...CONFIG_AND_TOOLING],
    rules: { "no-restricted-properties": ["error", PROCESS_ENV_ONLY_IN_ENV] },
  },
  {
    files: ["cli/**/*.{ts,js}"],
    rules: { "no-restricted-imports": ["error", { patterns: [CLI_STANDS_ALONE] }] },
  },
  {
    ignores: [
      "node_modules/**",
      ".next/**",
      ".next-bench/**",
      ".data/**",
      "lib/generated/**",
      "cli/dist/**",
      "next-env.d.ts",
      "test-results/**",
      "playwright-report/**",
    ],
  },
]

export default eslintConfig
