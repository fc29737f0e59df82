/**
 * The contract between `npm run bench` (scripts/bench.ts, the harness) and its scenarios
 * (bench/*.ts). The harness starts the services and the production build, then hands each
 * scenario a BenchTarget; every scenario answers a BenchSection of figures, each with its target
 * beside it. The harness prints the table and writes bench/results/<timestamp>.json.
 */

export type BenchStorage = "embedded" | "ceph" | "azurite"

export type BenchTarget = {
  storage: BenchStorage
  /** The app under test: `next start` of the production build, e.g. http://localhost:41234. */
  appUrl: string
  /** The pid of that app process (its process group leader), for CPU and I/O accounting. */
  appPid: number
  /** The proxy baseline's own server (bench/proxy/server.ts), with the app's environment, and its pid. */
  proxyUrl: string
  proxyPid: number
  databaseUrl: string
  /** The storage variables the app runs with: S3_* (endpoint, bucket, credentials), or STORAGE_BACKEND=azure and AZURE_*. */
  s3Env: Record<string, string>
  /** A `vlt_` API token of the bench user, for `Authorization: Bearer`. */
  bearerToken: string
  userId: string
  /** `--growth-rows=N`: the growth scenario also seeds and measures at N rows per table. */
  growthRows?: number
  /** `--probes=<key,…>`: section 3 measures only these probes (bench/floor.ts), e.g. for one route's CPU profile. */
  probes?: string[]
  /**
   * With --cpu-prof: section 3 writes here when each probe's measured runs were (µs on the monotonic
   * clock V8's profiles use) and how many requests each answered, for bench/profile-summary.ts --windows.
   */
  profileWindowsFile?: string
  /** Scratch folder for generated files, removed by the harness afterwards. */
  workDir: string
  /** A path in the command line of every storage server process (Ceph's folder); absent when storage runs in the harness's own process. */
  storageRoot?: string
  /** Figures one scenario leaves for a later one in the same storage run (e.g. the proxy's CPU per GiB for the browser's ratio). */
  carry: Record<string, number>
}

export type Figure = {
  /** What was measured, e.g. "valet upload 1 GiB: app CPU per GiB". */
  name: string
  /** A stable id for the README's summary table (bench/summary.ts), e.g. "floor.grant.ratio". */
  key?: string
  value: number
  unit: string
  /** The target in words, e.g. "≤ 1/100 of proxy", or undefined for a figure without one. */
  target?: string
  /** Whether the target was met; undefined when there is no target. */
  met?: boolean
}

export type BenchSection = {
  /** e.g. "1. Data path, valet vs proxy" */
  title: string
  figures: Figure[]
  /** Short lines: what the figures mean, why a target was missed. */
  notes?: string[]
}

export type BenchScenario = (target: BenchTarget) => Promise<BenchSection>

export type Machine = {
  cpuModel: string
  cpus: number
  memoryGiB: number
  os: string
  kernel: string
  node: string
  gitCommit: string
  gitDirty: boolean
  packages: Record<string, string>
}

export type StorageRun = {
  storage: BenchStorage
  startedAt: string
  seconds: number
  /** The 1-, 5- and 15-minute load averages when the storage run started and ended (a shared machine's noise). */
  load?: { start: number[]; end: number[] }
  /** Run with `--quick` (shorter timed runs, bench/load.ts QUICK). */
  quick?: boolean
  sections: BenchSection[]
}

/** bench/results/*.json */
export type ResultsFile = { machine: Machine; runs: StorageRun[] }
