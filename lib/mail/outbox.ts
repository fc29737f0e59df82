import type { Prisma } from "@/lib/generated/prisma/client"
import { ApiError } from "@/lib/errors"
import { deliverMail, isMailConfigured, type MailMessage } from "@/lib/mail/transport"
import { enqueueOutbox, registerOutboxHandler } from "@/lib/outbox"

export const MAIL_KIND = "mail"

const isMailMessage = (value: unknown): value is MailMessage =>
  typeof value === "object" &&
  value !== null &&
  ["to", "subject", "text", "html"].every((field) => typeof (value as Record<string, unknown>)[field] === "string")

registerOutboxHandler(MAIL_KIND, async (payload) => {
  if (!isMailMessage(payload)) throw new Error("malformed mail payload")
  await deliverMail(payload)
})

/** 503 `mail_unavailable` when this server has no SMTP_URL: a feature that needs mail must not pretend. */
export function assertMailAvailable(): void {
  if (!isMailConfigured()) {
    throw new ApiError("mail_unavailable", "This server cannot send mail (SMTP_URL is not set); ask your administrator")
  }
}

/** Queues a rendered mail in the outbox, inside the caller's transaction when given one. */
export async function enqueueMail(
  message: MailMessage,
  db?: Pick<Prisma.TransactionClient, "outboxMessage">,
): Promise<void> {
  assertMailAvailable()
  await enqueueOutbox(MAIL_KIND, message, db)
}
