/**
 * `npm run build` runs this after `next build`: the production build must hold no benchmark route.
 * The bench-only floor (app/api/bench/floor/route.bench.ts) is compiled only under
 * VALET_BENCH_BUILD=1 into its own distDir; this proves the production build in `.next` did not
 * pick it up (a changed pageExtensions or a renamed file would otherwise ship an unauthenticated
 * route). `npm run bench` runs the same check the other way round on its own build, so the check
 * itself is known to find the route when it is there.
 *
 *   node --import tsx scripts/check-build.ts [distDir]   (default .next)
 */
import { existsSync, readFileSync } from "node:fs"
import path from "node:path"
import { pathToFileURL } from "node:url"

export const BENCH_ROUTE = "/api/bench/floor"

/** Whether a build folder holds the bench floor route: in its route manifest or as compiled server code. */
export function buildHasBenchRoute(distDir: string): boolean {
  const manifestFile = path.resolve(distDir, "app-path-routes-manifest.json")
  if (!existsSync(manifestFile)) throw new Error(`${manifestFile} is missing: is ${distDir} a finished next build?`)
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Record<string, string>
  const inManifest = Object.values(manifest).some((route) => route.startsWith("/api/bench"))
  return inManifest || existsSync(path.resolve(distDir, "server/app/api/bench"))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const distDir = process.argv[2] ?? ".next"
  if (buildHasBenchRoute(distDir)) {
    console.error(`check-build: ${distDir} holds the benchmark route ${BENCH_ROUTE}; it must never ship`)
    process.exit(1)
  }
  console.log(`check-build: ${distDir} holds no benchmark route`)
}
