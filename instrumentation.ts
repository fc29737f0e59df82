// Next.js calls register() once per server instance at start.
export async function register() {
  // The reaper and the outbox need Node (Prisma, the AWS SDK, SMTP); the edge runtime has none.
  if (process.env.NEXT_RUNTIME !== "nodejs") return
  const [http, { installPeerAddressStamp }] = await Promise.all([import("node:http"), import("@/lib/peer-address")])
  // First, before any request is served: per-IP limits read the address it stamps (lib/rate-limit.ts).
  installPeerAddressStamp(http)
  const [{ getEnv }, { startReaper }, { startOutboxWorker }, , { registerNotificationPasses }] = await Promise.all([
    import("@/lib/env"),
    import("@/lib/reaper"),
    import("@/lib/outbox"),
    // Registers the "mail" outbox handler.
    import("@/lib/mail/outbox"),
    // Webhook deliveries, the download digest and expiry reminders ride on the same worker.
    import("@/lib/notifications-worker"),
  ])
  registerNotificationPasses()
  startReaper(getEnv().REAPER_INTERVAL_SECONDS)
  startOutboxWorker(getEnv().OUTBOX_INTERVAL_SECONDS)
}
