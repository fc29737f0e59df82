/**
 * The bare presigner: lib/storage.ts presignPut in a tight loop in one Node process, the ceiling
 * key minting in the app is compared with. Run by bench/minting.ts as its own process (with the
 * storage profile's S3_* environment, which lib/ reads once per process):
 *
 *   node --import tsx bench/presign-loop.ts <seconds>
 *
 * Prints one JSON line: { "count": …, "seconds": …, "cpuSeconds": … } (CPU time: on a busy machine
 * the rate drops with the share of a core this process gets, the CPU per key hardly does).
 */
import { randomUUID } from "node:crypto"
import { presignPut } from "@/lib/storage"

const seconds = Number(process.argv[2] ?? 5)

async function loop(untilMs: number): Promise<number> {
  let count = 0
  // The same input the app presigns per grant: a fresh server-minted key, type and length signed.
  while (performance.now() < untilMs) {
    await presignPut({ key: `u/bench/${randomUUID()}`, contentType: "text/plain", size: 1 })
    count++
  }
  return count
}

// Warm-up: the first calls load the SDK's signer and derive the signing key.
await loop(performance.now() + 1000)
const start = performance.now()
const cpuBefore = process.cpuUsage()
const count = await loop(start + seconds * 1000)
const cpu = process.cpuUsage(cpuBefore)
console.log(
  JSON.stringify({ count, seconds: (performance.now() - start) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 }),
)
