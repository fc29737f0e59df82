// Next.js calls register() once per server instance at start.
export async function register() {
  // The reaper needs Node (Prisma, the AWS SDK); the edge runtime has neither.
  if (process.env.NEXT_RUNTIME !== "nodejs") return
  const [http, { installPeerAddressStamp }] = await Promise.all([import("node:http"), import("@/lib/peer-address")])
  // First, before any request is served: per-IP limits read the address it stamps (lib/rate-limit.ts).
  installPeerAddressStamp(http)
  const [{ getEnv }, { startReaper }] = await Promise.all([import("@/lib/env"), import("@/lib/reaper")])
  startReaper(getEnv().REAPER_INTERVAL_SECONDS)
}
