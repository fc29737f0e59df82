/**
 * Whether the Node.js running Valet is past its end of life, from Node's published release
 * schedule. Valet supports `^20.19 || ^22.12 || >=24` (package.json engines) and recommends Node 24 LTS.
 */

/** End-of-life dates of the Node majors Valet has met; older majors are all past theirs. */
const END_OF_LIFE: Record<number, string> = {
  18: "2025-04-30",
  19: "2023-06-01",
  20: "2026-04-30",
  21: "2024-06-01",
  22: "2027-04-30",
  23: "2025-06-01",
  24: "2028-04-30",
  25: "2026-06-01",
  26: "2029-04-30",
}
const OLDEST_LISTED_MAJOR = 18

/** One line for the launcher to print when this Node is past its end of life, else undefined. */
export function endOfLifeNotice(version: string = process.version, today: Date = new Date()): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1])
  if (!Number.isInteger(major)) throw new Error(`not a Node version: ${version}`)
  const endOfLife = END_OF_LIFE[major]
  const isPast = major < OLDEST_LISTED_MAJOR || (endOfLife !== undefined && new Date(`${endOfLife}T00:00:00Z`) <= today)
  if (!isPast) return undefined
  return `valet: Node ${version} is past its end of life${endOfLife ? ` (${endOfLife})` : ""}; Node 24 LTS is recommended`
}
