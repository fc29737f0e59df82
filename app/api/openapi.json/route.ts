import { getEnv } from "@/lib/env"
import { route } from "@/lib/route"
import { buildOpenApiDocument } from "@/lib/shared/wire/openapi"
import packageJson from "@/package.json"

// The document changes only with a deploy: built once per process, cacheable by anyone.
let document: string | undefined

// GET /api/openapi.json — the OpenAPI 3.1 document, generated from the zod schemas
export const GET = route("public", () => {
  document ??= JSON.stringify(buildOpenApiDocument({ serverUrl: getEnv().APP_URL, version: packageJson.version }))
  return new Response(document, {
    headers: { "Content-Type": "application/json", "Cache-Control": "public, max-age=3600" },
  })
})
