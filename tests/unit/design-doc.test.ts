import { readdir, readFile } from "node:fs/promises"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { ERROR_CODES } from "@/lib/shared/error-codes"

/** docs/design.md is what code comments and API clients rely on: these checks keep it in step with the code. */
const DESIGN = path.resolve("docs/design.md")
const SOURCE_DIRS = ["app", "bench", "components", "e2e", "lib", "scripts", "tests"]

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [])
  const nested = await Promise.all(
    entries.map((entry) => {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory())
        return entry.name === "generated" || entry.name === "node_modules" ? [] : sourceFiles(full)
      return /\.(ts|tsx|mjs)$/.test(entry.name) ? [full] : []
    }),
  )
  return nested.flat()
}

/** The `| code | status | meaning |` rows of the design's error section. */
function documentedCodes(design: string): Record<string, number> {
  const section = design.slice(design.indexOf("## 5. Error codes"))
  const rows = [...section.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)]
  return Object.fromEntries(rows.map(([, code, status]) => [code ?? "", Number(status)]))
}

describe("docs/design.md", () => {
  it("lists every code of the error catalogue with its status, and no other", async () => {
    const documented = documentedCodes(await readFile(DESIGN, "utf8"))
    const catalogued = Object.fromEntries(Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]))
    expect(Object.keys(documented).length).toBeGreaterThan(30)
    expect(documented).toEqual(catalogued)
  })

  it("has every section that a code comment cites as DESIGN §n or §n.m", async () => {
    const design = await readFile(DESIGN, "utf8")
    const sections = new Set([
      ...[...design.matchAll(/^##+ (\d+)\. /gm)].map(([, number]) => number),
      ...[...design.matchAll(/\*\*§(\d+\.\d+) /g)].map(([, number]) => number),
    ])
    const cited = new Map<string, string>()
    for (const file of (await Promise.all(SOURCE_DIRS.map((dir) => sourceFiles(path.resolve(dir))))).flat()) {
      for (const [, number] of (await readFile(file, "utf8")).matchAll(/DESIGN §(\d+(?:\.\d+)?)/g)) {
        cited.set(number ?? "", path.relative(process.cwd(), file))
      }
    }
    expect(cited.size).toBeGreaterThan(3)
    const missing = [...cited]
      .filter(([number]) => !sections.has(number))
      .map(([number, file]) => `§${number} (${file})`)
    expect(missing).toEqual([])
  })
})
