import { remindExpiringLinks } from "@/lib/notifications"
import { registerOutboxPass } from "@/lib/outbox"
import { processWebhookDeliveriesOnce } from "@/lib/webhooks/deliver"

/** Links expiring tomorrow need looking for now and then, not on every outbox tick. */
const EXPIRY_PASS_EVERY_MS = 5 * 60 * 1000
let lastExpiryPass = 0

/** Registers webhook delivery and the expiry reminder with the outbox worker every instance runs. */
export function registerNotificationPasses(): void {
  registerOutboxPass("webhooks", async () => {
    // Drain a burst, a bounded number of batches per tick.
    for (let pass = 0; pass < 5; pass++) {
      const { delivered, failed } = await processWebhookDeliveriesOnce()
      if (delivered + failed === 0) break
    }
  })
  registerOutboxPass("expiry-reminders", async () => {
    if (Date.now() - lastExpiryPass < EXPIRY_PASS_EVERY_MS) return
    lastExpiryPass = Date.now()
    await remindExpiringLinks()
  })
}
