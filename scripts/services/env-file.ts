import { readFile } from "node:fs/promises"

/** A KEY=value file (comments and blank lines skipped), as scripts/ceph/up.sh writes s3.env. */
export async function readEnvFile(file: string): Promise<Record<string, string>> {
  const entries = (await readFile(file, "utf8"))
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)] as const)
  return Object.fromEntries(entries)
}
