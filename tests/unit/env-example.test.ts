import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { launcherEnvSchema, logEnvSchema, serverEnvSchema } from "@/lib/env"
import { ENV_EXAMPLE, renderEnvExample } from "@/scripts/env-example"

describe(".env.example", () => {
  it("is what `npm run env:example` generates from lib/env.ts today", () => {
    expect(readFileSync(ENV_EXAMPLE, "utf8")).toBe(renderEnvExample())
  })

  it("names every variable of every env schema, and the required ones uncommented", () => {
    const text = readFileSync(ENV_EXAMPLE, "utf8")
    const names = [serverEnvSchema, logEnvSchema, launcherEnvSchema].flatMap((schema) => Object.keys(schema.shape))
    for (const name of names) expect(text, name).toMatch(new RegExp(`^(# )?${name}=`, "m"))
    expect(text).toMatch(/^DATABASE_URL=$/m)
    expect(text).toMatch(/^AUTH_SECRET=$/m)
  })
})
