import nextCoreWebVitals from "eslint-config-next/core-web-vitals"
import nextTypescript from "eslint-config-next/typescript"

const eslintConfig = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  // Playwright fixtures hand their value on through a callback named `use`, which the React rule
  // mistakes for React's use() hook.
  { files: ["e2e/**/*.ts"], rules: { "react-hooks/rules-of-hooks": "off" } },
  // The storage port (lib/storage/index.ts) is the only way to object storage: each cloud's SDK
  // belongs to its adapter alone, so nothing above the port depends on which cloud it runs on.
  {
    files: ["**/*.{ts,tsx,mjs,js}"],
    ignores: ["lib/storage/s3.ts", "lib/storage/azure.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@aws-sdk/*"], message: "Only lib/storage/s3.ts talks to S3; import from @/lib/storage." },
            { group: ["@azure/storage-blob", "@azure/storage-blob/*"], message: "Only lib/storage/azure.ts talks to Azure; import from @/lib/storage." },
            { group: ["@/lib/storage/s3", "@/lib/storage/azure"], message: "Use the port (@/lib/storage), not an adapter." },
          ],
        },
      ],
    },
  },
  {
    // The port itself picks an adapter.
    files: ["lib/storage/index.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  { ignores: ["node_modules/**", ".next/**", ".data/**", "lib/generated/**", "next-env.d.ts", "test-results/**", "playwright-report/**"] },
]

export default eslintConfig
