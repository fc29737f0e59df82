/**
 * The README's benchmark table: one row per figure behind issue 20's targets 1–7, one column per
 * storage server, each figure picked from a run's sections by its `key` (bench/types.ts Figure).
 * `npm run bench -- --markdown` prints it, `--write-readme` puts it into README.md between the
 * markers below, and `--from=<results.json>[,<more.json>]` does either for stored runs.
 */
import { readFile, writeFile } from "node:fs/promises"
import type { Figure, ResultsFile, StorageRun } from "./types"

export const README_START = "<!-- bench:summary:start (npm run bench -- --write-readme) -->"
export const README_END = "<!-- bench:summary:end -->"

type Row = { target: string; label: string; keys: string[] }

const ROWS: Row[] = [
  { target: "1", label: "floor: empty route handler, app CPU per request", keys: ["floor.floor.cpu"] },
  { target: "2", label: "key grant (`POST /api/uploads`, token, single PUT) ÷ floor", keys: ["floor.grant.ratio"] },
  { target: "2", label: "key grant, app CPU per request", keys: ["floor.grant.cpu"] },
  {
    target: "2",
    label: "key grant ÷ the floor of a JSON route (reads the body, answers as many bytes)",
    keys: ["floor.grant.shapeRatio"],
  },
  { target: "2", label: "part signing, per part (100 per call) ÷ floor", keys: ["floor.parts.ratio"] },
  { target: "3", label: "share download (`GET /s/:token/download` → 302) ÷ floor", keys: ["floor.share.ratio"] },
  { target: "3", label: "multi-file link, per-file download ÷ floor", keys: ["floor.perFile.ratio"] },
  { target: "3", label: "share download, app CPU per request", keys: ["floor.share.cpu"] },
  {
    target: "3",
    label: "share download / per-file ÷ the floor of a redirect (a 302, as long a Location)",
    keys: ["floor.share.shapeRatio", "floor.perFile.shapeRatio"],
  },
  { target: "4", label: "valet ÷ proxy app CPU, 1 GiB up + down, Node client", keys: ["data.big.ratio"] },
  { target: "4", label: "valet ÷ proxy app CPU, 100 × 10 MiB up + down, Node client", keys: ["data.small.ratio"] },
  { target: "4", label: "valet ÷ proxy app CPU, 1 GiB up + down, browser dashboard", keys: ["browser.data.big.ratio"] },
  {
    target: "4",
    label: "valet ÷ proxy app CPU, 100 × 10 MiB up, browser dashboard",
    keys: ["browser.data.small.ratio"],
  },
  {
    target: "4",
    label: "the same with the app's idle CPU left in (1 GiB / 100 × 10 MiB, Node)",
    keys: ["data.big.ratioGross", "data.small.ratioGross"],
  },
  { target: "4", label: "app idle CPU (subtracted above)", keys: ["data.idle.app"] },
  { target: "5", label: "grant, open loop at 50 % of saturation: p50 / p99", keys: ["mint.open.p50", "mint.open.p99"] },
  { target: "5", label: "grant saturation rate (32 connections)", keys: ["mint.saturation"] },
  {
    target: "5",
    label: "share download, open loop at 50 % of saturation: p50 / p99",
    keys: ["share.open.p50", "share.open.p99"],
  },
  { target: "5", label: "share download saturation rate (32 connections)", keys: ["share.saturation"] },
  { target: "5", label: "download counter = 302s served", keys: ["share.counter"] },
  { target: "6", label: "browser ÷ raw upload throughput, 1 GiB", keys: ["browser.ratio"] },
  { target: "6", label: "browser / raw upload", keys: ["browser.rate", "browser.rawRate"] },
  {
    target: "6",
    label: "browser upload CPU: Chromium / app / harness (Playwright; embedded S3 runs here) / storage",
    keys: ["browser.up.chromium", "browser.up.app", "browser.up.harness", "browser.up.storage"],
  },
  {
    target: "6",
    label: "raw upload CPU: app / harness (the Node client; embedded S3 runs here) / storage",
    keys: ["raw.up.app", "raw.up.harness", "raw.up.storage"],
  },
  { target: "7", label: "minting p50, large ÷ small tables (1 connection)", keys: ["growth.mint.ratio"] },
  { target: "7", label: "share download p50, large ÷ small tables (1 connection)", keys: ["growth.share.ratio"] },
  { target: "7", label: "sequential scans of grown tables on the hot paths", keys: ["growth.seqScans"] },
  { target: "7", label: "rows per grown table / seeding time", keys: ["growth.rows", "growth.seedSeconds"] },
]

const STORAGE_NAMES: Record<string, string> = { embedded: "embedded S3", ceph: "Ceph RGW", azurite: "Azurite" }

export const formatValue = (value: number | null) =>
  value === null || Number.isNaN(value)
    ? "n/a"
    : Number.isInteger(value)
      ? value.toLocaleString("en-US")
      : // Small ratios (0.0046) keep two significant digits instead of rounding to 0.
        value.toLocaleString(
          "en-US",
          Math.abs(value) < 0.1 ? { maximumSignificantDigits: 2 } : { maximumFractionDigits: 2 },
        )
export const mark = (met: boolean | undefined) => (met === undefined ? "" : met ? "✓" : "✗")

function findFigure(run: StorageRun, key: string): Figure | undefined {
  for (const section of run.sections) {
    const figure = section.figures.find((candidate) => candidate.key === key)
    if (figure) return figure
  }
  return undefined
}

/** "72 / 95 MiB/s ✓": the figures of one row in one run, the unit once when they share it. */
function cell(run: StorageRun, keys: string[]): string {
  const figures = keys.map((key) => findFigure(run, key))
  if (figures.every((figure) => figure === undefined)) return "—"
  const units = new Set(figures.filter((figure) => figure !== undefined).map((figure) => figure.unit))
  const values = figures.map((figure) =>
    figure === undefined ? "—" : `${formatValue(figure.value)}${units.size > 1 ? ` ${figure.unit}` : ""}`,
  )
  const unit = figures.find((figure) => figure !== undefined)?.unit ?? ""
  const measured = figures.some((figure) => figure && Number.isFinite(figure.value))
  const unitText = units.size > 1 || !measured ? "" : unit === "×" ? "×" : ` ${unit}`
  // A figure that could not be measured (NaN, stored as null) is neither met nor missed.
  const marks = figures
    .map((figure) => mark(figure && Number.isFinite(figure.value) ? figure.met : undefined))
    .filter(Boolean)
  const met = marks.length === 0 ? "" : marks.includes("✗") ? " ✗" : " ✓"
  return `${values.join(" / ")}${unitText}${met}`
}

function targetOf(runs: StorageRun[], keys: string[]): string {
  for (const run of runs)
    for (const key of keys) {
      const target = findFigure(run, key)?.target
      if (target) return target
    }
  return ""
}

const loadText = (run: StorageRun) =>
  run.load
    ? `${STORAGE_NAMES[run.storage] ?? run.storage} ${run.load.start[0]?.toFixed(1)} → ${run.load.end[0]?.toFixed(1)}`
    : ""

export function readmeTable(results: ResultsFile): string {
  const { machine, runs } = results
  const header = `| target | figure | ${runs.map((run) => STORAGE_NAMES[run.storage] ?? run.storage).join(" | ")} | target |`
  const lines = [
    header,
    `| --- | --- | ${runs.map(() => "---:").join(" | ")} | --- |`,
    ...ROWS.map(
      (row) =>
        `| ${row.target} | ${row.label} | ${runs.map((run) => cell(run, row.keys)).join(" | ")} | ${targetOf(runs, row.keys)} |`,
    ),
    "",
    `Measured ${runs[0]?.startedAt.slice(0, 16).replace("T", " ") ?? ""} UTC on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}, commit \`${machine.gitCommit.slice(0, 7)}\`${machine.gitDirty ? " (with uncommitted changes)" : ""}; load average (1 min) at the start → end of each storage run: ${runs.map(loadText).join(", ")}. ${runs.some((run) => run.quick) ? "Shorter timed runs (`--quick`). " : ""}Ratios are measured side by side in one process; absolute times move with the machine's load. "—": not measured on that storage server (growth runs once: neither a grant nor a share download calls storage).`,
  ]
  return lines.join("\n")
}

/** Replaces what stands between the markers in `file` (README.md) with `table`. */
export async function writeReadmeTable(file: string, table: string) {
  const text = await readFile(file, "utf8")
  const start = text.indexOf(README_START)
  const end = text.indexOf(README_END)
  if (start < 0 || end < start) throw new Error(`${file} has no ${README_START} … ${README_END} markers`)
  await writeFile(file, `${text.slice(0, start + README_START.length)}\n\n${table}\n\n${text.slice(end)}`)
}

/**
 * Several results files as one: one run per storage server, in order of first appearance; a later
 * file's section replaces the earlier run's section of the same title (e.g. one scenario rerun
 * with `--only`), so a stored run can be completed without running everything again.
 */
export async function readResults(files: string[]): Promise<ResultsFile> {
  const loaded = await Promise.all(files.map(async (file) => JSON.parse(await readFile(file, "utf8")) as ResultsFile))
  const [first] = loaded
  if (!first) throw new Error("--from: no results file")
  const runs: StorageRun[] = []
  for (const run of loaded.flatMap((results) => results.runs)) {
    const earlier = runs.find((candidate) => candidate.storage === run.storage)
    if (!earlier) {
      runs.push({ ...run, sections: [...run.sections] })
      continue
    }
    for (const section of run.sections) {
      const index = earlier.sections.findIndex((candidate) => candidate.title === section.title)
      if (index >= 0) earlier.sections[index] = section
      else earlier.sections.push(section)
    }
  }
  return { machine: first.machine, runs }
}
