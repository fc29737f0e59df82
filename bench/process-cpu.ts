/**
 * CPU time of a process group (the app: `next start` and anything it spawned), from /proc. CPU
 * per request hardly depends on what else the machine is doing, unlike latency and rate, so it is
 * the figure to compare when making a route cheaper on a busy machine.
 */
import { readdirSync, readFileSync } from "node:fs"

// USER_HZ: 100 on every Linux architecture Node runs on.
const TICKS_PER_SECOND = 100

/** User + system CPU seconds of every live process in the group `pgid`; 0 where /proc is missing. */
export function processGroupCpuSeconds(pgid: number): number {
  let ticks = 0
  let entries: string[]
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name))
  } catch {
    return 0
  }
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
      // Fields after the command name (which may hold spaces), from field 3 (state) on.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
      if (Number(fields[2]) !== pgid) continue
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // exited meanwhile
    }
  }
  return ticks / TICKS_PER_SECOND
}
