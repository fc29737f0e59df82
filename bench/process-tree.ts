/**
 * CPU time and I/O of a process and all its descendants, from /proc (Linux only). `next start`
 * may run the server in a child of the pid the harness knows, so the whole tree is summed.
 */
import { execFileSync } from "node:child_process"
import { readdir, readFile } from "node:fs/promises"

export type ProcessTreeUsage = {
  /** utime + stime of every live process in the tree, plus cutime + cstime (children already reaped). */
  cpuSeconds: number
  /** /proc/<pid>/io rchar: bytes returned by read()-family calls, sockets included. */
  readBytes: number
  /** /proc/<pid>/io wchar: bytes passed to write()-family calls, sockets included. */
  writeBytes: number
  pids: number[]
}

let clockTicks: number | undefined
function ticksPerSecond(): number {
  clockTicks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100
  return clockTicks
}

type Stat = { pid: number; ppid: number; ticks: number }

/** Fields after the command name, which is in parentheses and may itself contain spaces or ")". */
function parseStat(text: string): Stat | null {
  const close = text.lastIndexOf(")")
  if (close < 0) return null
  const pid = Number(text.slice(0, text.indexOf(" ")))
  const fields = text.slice(close + 2).split(" ")
  // fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
  const at = (field: number) => Number(fields[field - 3] ?? 0)
  return { pid, ppid: at(4), ticks: at(14) + at(15) + at(16) + at(17) }
}

async function readOrNull(path: string): Promise<string | null> {
  return readFile(path, "utf8").catch(() => null)
}

/** The pids of a process's direct children whose command name starts with `prefix`. */
export async function childPids(parentPid: number, prefix: string): Promise<number[]> {
  const found: number[] = []
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    const text = await readOrNull(`/proc/${entry}/stat`)
    const stat = text ? parseStat(text) : null
    const name = text?.slice(text.indexOf("(") + 1, text.lastIndexOf(")")) ?? ""
    if (stat?.ppid === parentPid && name.startsWith(prefix)) found.push(stat.pid)
  }
  return found
}

export async function sampleProcessTree(rootPid: number): Promise<ProcessTreeUsage> {
  const stats: Stat[] = []
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    const text = await readOrNull(`/proc/${entry}/stat`)
    const stat = text ? parseStat(text) : null
    if (stat) stats.push(stat)
  }
  const children = new Map<number, Stat[]>()
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat])
  const root = stats.find((stat) => stat.pid === rootPid)
  if (!root) throw new Error(`process ${rootPid} is not running`)

  const tree: Stat[] = []
  const queue = [root]
  while (queue.length > 0) {
    const next = queue.shift() as Stat
    tree.push(next)
    queue.push(...(children.get(next.pid) ?? []))
  }
  let ticks = 0
  let readBytes = 0
  let writeBytes = 0
  for (const stat of tree) {
    ticks += stat.ticks
    const io = await readOrNull(`/proc/${stat.pid}/io`)
    readBytes += Number(/^rchar:\s*(\d+)/m.exec(io ?? "")?.[1] ?? 0)
    writeBytes += Number(/^wchar:\s*(\d+)/m.exec(io ?? "")?.[1] ?? 0)
  }
  return { cpuSeconds: ticks / ticksPerSecond(), readBytes, writeBytes, pids: tree.map((stat) => stat.pid) }
}

/** What the tree used between two samples. */
export function usageBetween(before: ProcessTreeUsage, after: ProcessTreeUsage) {
  return {
    cpuSeconds: after.cpuSeconds - before.cpuSeconds,
    ioBytes: after.readBytes - before.readBytes + (after.writeBytes - before.writeBytes),
  }
}

/** CPU seconds so far of every process whose command line mentions `text` (e.g. a Ceph cluster's folder). */
export async function cpuSecondsOfProcessesMentioning(text: string): Promise<number> {
  let ticks = 0
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    const cmdline = await readOrNull(`/proc/${entry}/cmdline`)
    if (!cmdline?.includes(text)) continue
    const stat = await readOrNull(`/proc/${entry}/stat`)
    ticks += (stat ? parseStat(stat)?.ticks : 0) ?? 0
  }
  return ticks / ticksPerSecond()
}

/** This process's own CPU seconds so far (in the harness: the Node clients and the embedded S3 server). */
export const ownCpuSeconds = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}
