import { mkdtemp, rm, stat } from "node:fs/promises"
import { connect } from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startMailCatcher, type MailCatcher } from "@/scripts/services/mail-catcher"
import { freePort } from "@/scripts/services/ports"
import { useFreshDatabase } from "@/tests/support/app"
import { query } from "@/tests/support/database"
import { mailsTo, waitForMail } from "@/tests/support/mail"

/**
 * The outbox against a real SMTP server: this file runs its own catcher (same code as `npm test`'s)
 * so it can stop it, which is the outage.
 */
let database: Awaited<ReturnType<typeof useFreshDatabase>>
let catcher: MailCatcher | undefined
let mailDir: string
let port: number

beforeAll(async () => {
  mailDir = await mkdtemp(path.join(tmpdir(), "valet-mail-"))
  port = await freePort()
  catcher = await startMailCatcher({ dir: mailDir, port })
  database = await useFreshDatabase({
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    MAIL_FROM: "Valet Test <valet@example.test>",
    APP_URL: "https://valet.example.test",
  })
  await import("@/lib/mail/outbox")
})

afterAll(async () => {
  const { stopOutboxWorker } = await import("@/lib/outbox")
  stopOutboxWorker()
  await catcher?.stop()
  await database.cleanUp()
  await rm(mailDir, { recursive: true, force: true })
})

const message = (to: string, subject = "Hello") => ({
  to,
  subject,
  text: `Plain ${subject}`,
  html: `<p>${subject}</p>`,
})

describe("outbox and SMTP", () => {
  it("delivers a queued mail through SMTP with the configured From, plain text and HTML", async () => {
    const { enqueueMail } = await import("@/lib/mail/outbox")
    const { processOutboxOnce } = await import("@/lib/outbox")
    const { passwordResetMail } = await import("@/lib/mail/templates")
    await enqueueMail(passwordResetMail("en", "ada@example.com", "https://valet.example.test/reset-password?token=abc"))
    expect(await processOutboxOnce(["mail"])).toEqual({ sent: 1, failed: 0 })
    const mail = await waitForMail("ada@example.com", { dir: mailDir })
    expect(mail.headers.from).toBe("Valet Test <valet@example.test>")
    expect(mail.headers.to).toBe("ada@example.com")
    expect(mail.subject).toBe("Reset your password · Valet")
    expect(mail.text).toContain("The link works once, for 30 minutes.")
    expect(mail.links).toEqual(["https://valet.example.test/reset-password?token=abc"])
    expect(mail.html).toContain('<a href="https://valet.example.test/reset-password?token=abc">')
    // No tracking: no images, no third-party hosts.
    expect(mail.html).not.toMatch(/<img|https?:\/\/(?!valet\.example\.test)/)
    const [row] = await query<{ sentAt: Date | null; attempts: number }>(
      database.url,
      `SELECT "sentAt", attempts FROM "OutboxMessage"`,
    )
    expect(row).toMatchObject({ attempts: 1, sentAt: expect.any(Date) })
    expect(((await stat(mailDir)).mode & 0o777).toString(8)).toBe("700")
  })

  it("keeps a mail through an SMTP outage and delivers it once the server is back", async () => {
    const { enqueueMail } = await import("@/lib/mail/outbox")
    const { processOutboxOnce, startOutboxWorker, stopOutboxWorker } = await import("@/lib/outbox")
    await catcher?.stop()
    catcher = undefined
    await enqueueMail(message("outage@example.com", "Survives"))
    expect(await processOutboxOnce(["mail"])).toEqual({ sent: 0, failed: 1 })
    const [failed] = await query<{ attempts: number; lastError: string; wait: number }>(
      database.url,
      `SELECT attempts, "lastError", EXTRACT(EPOCH FROM ("nextAttemptAt" - (now() AT TIME ZONE 'UTC')))::float AS wait
       FROM "OutboxMessage" WHERE payload->>'to' = 'outage@example.com'`,
    )
    expect(failed?.attempts).toBe(1)
    expect(failed?.lastError).toMatch(/ECONNREFUSED/)
    // Backoff: 5 s ± 20 % after the first failure.
    expect(failed?.wait).toBeGreaterThan(3)
    expect(failed?.wait).toBeLessThan(6.5)
    // The app restarts and the SMTP server comes back: the worker that every instance runs delivers it.
    catcher = await startMailCatcher({ dir: mailDir, port })
    startOutboxWorker(1)
    const mail = await waitForMail("outage@example.com", { dir: mailDir, timeoutMs: 20_000 }).finally(stopOutboxWorker)
    expect(mail.subject).toBe("Survives")
    const [sent] = await query<{ attempts: number; sentAt: Date | null }>(
      database.url,
      `SELECT attempts, "sentAt" FROM "OutboxMessage" WHERE payload->>'to' = 'outage@example.com'`,
    )
    expect(sent).toMatchObject({ attempts: 2, sentAt: expect.any(Date) })
    expect(await mailsTo("outage@example.com", mailDir)).toHaveLength(1)
  })

  it("lets concurrent workers never deliver the same message twice", async () => {
    const { enqueueMail } = await import("@/lib/mail/outbox")
    const { processOutboxOnce } = await import("@/lib/outbox")
    for (let index = 0; index < 12; index++) await enqueueMail(message(`many${index}@example.com`, `Many ${index}`))
    const results = await Promise.all([
      processOutboxOnce(["mail"]),
      processOutboxOnce(["mail"]),
      processOutboxOnce(["mail"]),
    ])
    expect(results.reduce((sum, result) => sum + result.sent, 0)).toBe(12)
    for (let index = 0; index < 12; index++) expect(await mailsTo(`many${index}@example.com`, mailDir)).toHaveLength(1)
  })

  it("keeps serving after a client resets its connection mid-session (an app instance killed while sending)", async () => {
    const socket = connect(port, "127.0.0.1")
    await new Promise<void>((resolve, reject) => {
      socket.once("data", () => resolve())
      socket.once("error", reject)
    })
    const reply = () => new Promise((resolve) => socket.once("data", resolve))
    socket.write("EHLO killed.example\r\n")
    await reply()
    // Inside a transaction: smtp-server shrugs off a reset before MAIL FROM, not after it.
    socket.write("MAIL FROM:<valet@example.test>\r\n")
    await reply()
    socket.write("RCPT TO:<lost@example.com>\r\n")
    await reply()
    // An RST, not a FIN: what the catcher sees when the sending process dies.
    socket.resetAndDestroy()
    await new Promise((resolve) => setTimeout(resolve, 200))
    const { enqueueMail } = await import("@/lib/mail/outbox")
    const { processOutboxOnce } = await import("@/lib/outbox")
    await enqueueMail(message("after-reset@example.com", "After a reset"))
    expect((await processOutboxOnce(["mail"])).sent).toBe(1)
    expect(await mailsTo("after-reset@example.com", mailDir)).toHaveLength(1)
  })
})
