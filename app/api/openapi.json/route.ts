import { getEnv } from "@/lib/env"
import { route } from "@/lib/route"
import { openApiDocument } from "@/lib/shared/wire/openapi"
import packageJson from "@/package.json"

// GET /api/openapi.json — the OpenAPI 3.1 document, generated from the zod schemas; the same for
// everyone and until the next deploy, so any cache may keep it for an hour.
export const GET = route("public", () =>
  Response.json(openApiDocument({ serverUrl: getEnv().APP_URL, version: packageJson.version }), {
    headers: { "Cache-Control": "public, max-age=3600" },
  }),
)
