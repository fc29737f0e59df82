#!/usr/bin/env node
// The published package runs the compiled dist/; inside the Valet repository (no build step after
// `npm install`) the TypeScript sources run through tsx, a dev dependency there.
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const compiled = new URL("../dist/main.js", import.meta.url)
if (existsSync(compiled)) {
  await import(compiled.href)
} else {
  const { register } = await import("tsx/esm/api")
  register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) })
  await import(new URL("../src/main.ts", import.meta.url).href)
}
