import nodemailer from "nodemailer"
import type { Transporter } from "nodemailer"
import { getEnv } from "@/lib/env"

/** A message as the outbox stores it: already rendered, so a template change never alters a queued mail. */
export type MailMessage = { to: string; subject: string; text: string; html: string }

let cached: { url: string; transporter: Transporter } | undefined

function transporter(url: string): Transporter {
  if (cached?.url !== url) {
    cached = {
      url,
      // smtp:// upgrades with STARTTLS when the server offers it, smtps:// is TLS from the start;
      // nodemailer reads both (and credentials) from the URL. Bounded waits: a hung server must
      // not hold the outbox worker.
      transporter: nodemailer.createTransport(url, {
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      }),
    }
  }
  return cached.transporter
}

/** Whether this server can send mail at all (SMTP_URL set). */
export const isMailConfigured = (): boolean => Boolean(getEnv().SMTP_URL)

/** Hands one message to the SMTP server; throws when it is unreachable or refuses the message. */
export async function deliverMail(message: MailMessage): Promise<void> {
  const env = getEnv()
  if (!env.SMTP_URL) throw new Error("SMTP_URL is not set")
  await transporter(env.SMTP_URL).sendMail({ from: env.MAIL_FROM, ...message })
}
