/**
 * When each measured run of a scenario was, for reading a CPU profile per route or per transfer
 * (`npm run bench -- --cpu-prof=<dir>`, then bench/profile-summary.ts --windows=<file>). Times are
 * µs on the monotonic clock, the clock V8 stamps its profile samples with on Linux, as
 * process.hrtime does; `requests` is what the window's CPU is divided by (requests or API calls).
 */
import { mkdir, writeFile } from "node:fs/promises"
import path from "node:path"
import type { BenchTarget } from "./types"

export type ProfileWindow = { probe: string; startUs: number; endUs: number; requests: number }

export const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n)

// One file per app process (the harness names it by pid); scenarios of one run add to it.
const recorded = new Map<string, ProfileWindow[]>()

export async function recordProfileWindows(target: BenchTarget, windows: ProfileWindow[]): Promise<void> {
  const file = target.profileWindowsFile
  if (!file) return
  const all = [...(recorded.get(file) ?? []), ...windows]
  recorded.set(file, all)
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, JSON.stringify(all, null, 1))
}
