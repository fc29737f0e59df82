import type { Metadata } from "next"
import { ApiReference } from "@/components/api-docs"
import { getEnv } from "@/lib/env"
import { openApiDocument } from "@/lib/shared/wire/openapi"
import packageJson from "@/package.json"

export const metadata: Metadata = { title: "API reference" }

// GET /docs/api — the reference, from the same generated document GET /api/openapi.json serves
export default function ApiDocsPage() {
  const document = openApiDocument({ serverUrl: getEnv().APP_URL, version: packageJson.version })
  return (
    <div className="space-y-8">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold tracking-tight">API reference</h1>
        <p className="max-w-2xl text-slate-600 dark:text-slate-300">
          Valet&apos;s HTTP API, generated from the schemas the server validates with. The machine-readable form is{" "}
          <a href="/api/openapi.json" className="font-mono underline">
            /api/openapi.json
          </a>{" "}
          (OpenAPI 3.1), for code generators and API tools.
        </p>
      </header>
      <ApiReference document={document} />
    </div>
  )
}
