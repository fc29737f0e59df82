/**
 * Where an app process spent its CPU, from a V8 profile `npm run bench -- --cpu-prof=<dir>` wrote:
 * each sample's function is mapped through the build's source maps back to its file, and the
 * time is summed by owner — Valet's own code (app/, lib/), the Next.js framework, Prisma, the
 * Postgres driver, the storage SDK, other libraries, Node itself, the garbage collector, idle.
 *
 *   node --import tsx bench/profile-summary.ts <file.cpuprofile> [top functions, default 25] [--skip=<s>] [--until=<s>]
 *
 * `--skip=<s>` leaves out the first s seconds (the app's start and first compiles), so a run of one
 * scenario shows its steady state; `--until=<s>` ends the window s seconds after the profile's start,
 * so one scenario of a run of several (the harness logs when each starts) can be read on its own.
 *
 * `--windows=<windows-<pid>.json>` (written by section 3 beside the profile) reads the profile per
 * route instead: only the samples taken while a probe's measured runs were under way, divided by the
 * requests they answered, as µs of CPU per request by owner, one column per probe. Beside the
 * floors, that shows where a route's extra cost per request goes (bench/README.md has a reading);
 * `--diff=<probe>:<probe>` (e.g. floorJson:grant) lists the functions whose self time grew most.
 */
import { existsSync, readFileSync } from "node:fs"
import { SourceMap } from "node:module"
import path from "node:path"
import { fileURLToPath } from "node:url"
import type { ProfileWindow } from "./profile-windows"

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number }
type ProfileNode = { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] }
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const maps = new Map<string, { map: SourceMap; dir: string } | null>()
function sourceMapOf(url: string): { map: SourceMap; dir: string } | null {
  if (maps.has(url)) return maps.get(url) ?? null
  let found: { map: SourceMap; dir: string } | null = null
  try {
    const file = url.startsWith("file://") ? fileURLToPath(url) : url
    if (path.isAbsolute(file) && existsSync(`${file}.map`))
      found = { map: new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8"))), dir: path.dirname(file) }
  } catch {
    found = null
  }
  maps.set(url, found)
  return found
}

/**
 * A source as a path below the project ("lib/api-tokens.ts", "node_modules/next/src/…"): sources
 * are relative to their map's folder; bundler schemes (webpack://next/…, turbopack:///…) are kept.
 */
function projectPath(source: string, mapDir: string): string {
  if (/^[a-z]+:\/\/(?!\/)/i.test(source) && !source.startsWith("file://")) return source
  const absolute = source.startsWith("file://") ? fileURLToPath(source) : path.resolve(mapDir, source)
  const relative = path.relative(process.cwd(), absolute)
  return relative.startsWith("..") ? absolute : relative
}

/** The original file and function of a frame, through the chunk's source map when there is one. */
function origin(frame: CallFrame): { file: string; name: string; url: string } {
  const found = sourceMapOf(frame.url)
  const entry = found?.map.findEntry(frame.lineNumber, frame.columnNumber)
  if (found && entry && "originalSource" in entry && entry.originalSource) {
    const file = projectPath(entry.originalSource, found.dir)
    // Newer Node versions also give the original identifier at that position.
    const original = "name" in entry && typeof entry.name === "string" ? entry.name : undefined
    return { file, name: original || frame.functionName || "(anonymous)", url: frame.url }
  }
  return {
    file: frame.url.replace(/^file:\/\/.*?node_modules\//, "node_modules/"),
    name: frame.functionName,
    url: frame.url,
  }
}

/** Who owns a sample: by its original source file, then by the file V8 ran (a bundled chunk or a package). */
export function ownerOf(file: string, name: string, url = ""): string {
  if (name === "(garbage collector)") return "GC"
  if (name === "(idle)" || name === "(program)") return name === "(idle)" ? "idle" : "V8 (program)"
  if (file.startsWith("node:") || file === "") return "Node runtime (http, streams, crypto, timers)"
  if (/node_modules\/next\/|^webpack:\/\/next\/|^turbopack:/.test(file)) return "Next.js framework"
  if (/client-engine-runtime|^\.\.\/src\/runtime\//.test(file) && /@prisma|prisma/.test(url))
    return "Prisma (client, adapter)"
  if (/node_modules\/(react|react-dom|scheduler)\//.test(file)) return "Next.js framework"
  if (/lib\/generated\/prisma|node_modules\/@prisma\//.test(file)) return "Prisma (client, adapter)"
  if (/node_modules\/(pg|pg-protocol|pg-types|pg-pool|postgres-)/.test(file)) return "Postgres driver (pg)"
  if (/node_modules\/(@aws-sdk|@smithy|@azure)\//.test(file)) return "storage SDK"
  if (/node_modules\/zod\//.test(file)) return "zod"
  if (/node_modules\/(next-auth|jose|@panva|openid-client)\//.test(file)) return "next-auth / jose"
  if (/node_modules\/(pino|next-intl|use-intl)/.test(file)) return "other libraries (pino, next-intl)"
  if (/node_modules\//.test(file)) return "other libraries"
  if (/^lib\/generated\//.test(file)) return "Prisma (client, adapter)"
  if (/^(app|lib)\/|^(proxy|instrumentation)\.ts$/.test(file)) return "Valet (app/, lib/)"
  // Not mapped to a source: judged by the file V8 ran.
  if (/node_modules\/next\//.test(url)) return "Next.js framework"
  if (/node_modules\/(@prisma|\.prisma)\/|lib\/generated\/prisma/.test(url)) return "Prisma (client, adapter)"
  if (/node_modules\/(@aws-sdk|@smithy)\//.test(url)) return "storage SDK"
  if (/node_modules\//.test(url)) return "other libraries"
  if (url === "") return "Node runtime (http, streams, crypto, timers)"
  return `unmapped JavaScript`
}

export function summarize(profile: Profile, top = 25, skipSeconds = 0, untilSeconds = Number.POSITIVE_INFINITY) {
  const self = new Map<number, number>()
  let elapsed = 0
  profile.samples.forEach((id, index) => {
    elapsed += profile.timeDeltas[index] ?? 0
    if (elapsed >= skipSeconds * 1e6 && elapsed < untilSeconds * 1e6)
      self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0))
  })
  const byOwner = new Map<string, number>()
  const byFunction = new Map<string, number>()
  let total = 0
  let busy = 0
  for (const node of profile.nodes) {
    const micros = self.get(node.id) ?? 0
    if (micros === 0) continue
    const { file, name, url } = origin(node.callFrame)
    const owner = ownerOf(file, node.callFrame.functionName || name, url)
    total += micros
    if (owner !== "idle") busy += micros
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + micros)
    const key = `${name || "(anonymous)"}  ${file}`
    if (owner !== "idle") byFunction.set(key, (byFunction.get(key) ?? 0) + micros)
  }
  const sorted = (entries: Map<string, number>) => [...entries].sort((a, b) => b[1] - a[1])
  return {
    busyMs: busy / 1000,
    totalMs: total / 1000,
    owners: sorted(byOwner)
      .filter(([owner]) => owner !== "idle")
      .map(([owner, micros]) => ({ owner, ms: micros / 1000, share: micros / busy })),
    functions: sorted(byFunction)
      .slice(0, top)
      .map(([fn, micros]) => ({ fn, ms: micros / 1000, share: micros / busy })),
  }
}

/** µs of CPU per request by owner, for each probe's windows (see the header). */
export function summarizeWindows(profile: Profile, windows: ProfileWindow[]) {
  const probes = [...new Set(windows.map((window) => window.probe))]
  const requests = new Map(probes.map((probe) => [probe, 0]))
  for (const window of windows) requests.set(window.probe, (requests.get(window.probe) ?? 0) + window.requests)
  const ownerOfNode = new Map<number, string>()
  const functionOfNode = new Map<number, string>()
  for (const node of profile.nodes) {
    const { file, name, url } = origin(node.callFrame)
    ownerOfNode.set(node.id, ownerOf(file, node.callFrame.functionName || name, url))
    functionOfNode.set(node.id, `${name || "(anonymous)"}  ${file}`)
  }
  // function → probe → µs
  const functions = new Map<string, Map<string, number>>()
  // owner → probe → µs
  const table = new Map<string, Map<string, number>>()
  let time = profile.startTime
  let outside = 0
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0
    time += delta
    const owner = ownerOfNode.get(id) ?? "unmapped JavaScript"
    if (owner === "idle") return
    const window = windows.find((candidate) => time >= candidate.startUs && time < candidate.endUs)
    if (!window) {
      outside += delta
      return
    }
    const row = table.get(owner) ?? new Map<string, number>()
    row.set(window.probe, (row.get(window.probe) ?? 0) + delta)
    table.set(owner, row)
    const fn = functionOfNode.get(id) ?? "(unknown)"
    const fnRow = functions.get(fn) ?? new Map<string, number>()
    fnRow.set(window.probe, (fnRow.get(window.probe) ?? 0) + delta)
    functions.set(fn, fnRow)
  })
  /** The functions whose self time per request grew most from one probe to another (e.g. a floor to its route). */
  const growth = (from: string, to: string, top: number) =>
    [...functions]
      .map(([fn, row]) => ({
        fn,
        micros:
          (row.get(to) ?? 0) / Math.max(1, requests.get(to) ?? 0) -
          (row.get(from) ?? 0) / Math.max(1, requests.get(from) ?? 0),
      }))
      .sort((a, b) => b.micros - a.micros)
      .slice(0, top)
  const perRequest = (owner: string, probe: string) =>
    (table.get(owner)?.get(probe) ?? 0) / Math.max(1, requests.get(probe) ?? 0)
  const owners = [...table.keys()].sort(
    (a, b) =>
      probes.reduce((sum, probe) => sum + perRequest(b, probe), 0) -
      probes.reduce((sum, probe) => sum + perRequest(a, probe), 0),
  )
  return {
    probes,
    requests,
    outsideMs: outside / 1000,
    rows: owners.map((owner) => ({ owner, micros: probes.map((probe) => perRequest(owner, probe)) })),
    totals: probes.map((probe) => owners.reduce((sum, owner) => sum + perRequest(owner, probe), 0)),
    growth,
  }
}

function printWindows(summary: ReturnType<typeof summarizeWindows>) {
  const cell = (text: string) => text.padStart(14)
  console.log(`µs of CPU per request, by owner (samples inside the probes' measured runs only):`)
  console.log(`${"".padEnd(46)}${summary.probes.map(cell).join("")}`)
  console.log(
    `${"requests".padEnd(46)}${summary.probes.map((probe) => cell(String(summary.requests.get(probe)))).join("")}`,
  )
  for (const { owner, micros } of summary.rows)
    console.log(`${owner.padEnd(46)}${micros.map((value) => cell(value.toFixed(0))).join("")}`)
  console.log(`${"total".padEnd(46)}${summary.totals.map((value) => cell(value.toFixed(0))).join("")}`)
  console.log(
    `(${summary.outsideMs.toFixed(0)} ms of busy samples fell outside every window: start-up, warm-ups, set-up)`,
  )
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv[2]
  if (!file) throw new Error("usage: bench/profile-summary.ts <file.cpuprofile> [top]")
  const positional = process.argv.slice(3).filter((arg) => !arg.startsWith("--"))
  const skip = Number(process.argv.find((arg) => arg.startsWith("--skip="))?.slice(7) ?? 0)
  const until = Number(process.argv.find((arg) => arg.startsWith("--until="))?.slice(8) ?? Number.POSITIVE_INFINITY)
  const windowsFile = process.argv.find((arg) => arg.startsWith("--windows="))?.slice(10)
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile
  if (windowsFile) {
    const summary = summarizeWindows(profile, JSON.parse(readFileSync(windowsFile, "utf8")) as ProfileWindow[])
    printWindows(summary)
    // --diff=<from>:<to>, e.g. floorJson:grant — where the route's extra µs per request go.
    for (const pair of process.argv.filter((arg) => arg.startsWith("--diff=")).map((arg) => arg.slice(7))) {
      const [from = "", to = ""] = pair.split(":")
      console.log(`self time per request, ${to} − ${from} (µs), the largest differences:`)
      for (const { fn, micros } of summary.growth(from, to, Number(positional[0] ?? 25)))
        console.log(`  ${micros.toFixed(1).padStart(7)}  ${fn}`)
    }
    process.exit(0)
  }
  const summary = summarize(profile, Number(positional[0] ?? 25), skip, until)
  console.log(`busy CPU in the profile: ${summary.busyMs.toFixed(0)} ms (of ${summary.totalMs.toFixed(0)} ms sampled)`)
  for (const { owner, ms, share } of summary.owners)
    console.log(`  ${(100 * share).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(7)} ms  ${owner}`)
  console.log("top functions (self time):")
  for (const { fn, ms, share } of summary.functions)
    console.log(`  ${(100 * share).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(7)} ms  ${fn}`)
}
