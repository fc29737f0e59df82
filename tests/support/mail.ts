import { readdir, readFile } from "node:fs/promises"
import path from "node:path"
import type { CaughtMail } from "@/scripts/services/mail-catcher"

export type { CaughtMail }

/** The folder where `npm test`'s mail catcher keeps what it received. */
export function testMailDir(): string {
  const dir = process.env.VALET_TEST_MAIL_DIR ?? process.env.E2E_MAIL_DIR
  if (!dir) throw new Error("VALET_TEST_MAIL_DIR is not set: run the tests through `npm test`")
  return dir
}

/** Every message the catcher holds for an address, oldest first. */
export async function mailsTo(address: string, dir = testMailDir()): Promise<CaughtMail[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith(".json")).sort()
  const mails = await Promise.all(
    names.map(async (name) => JSON.parse(await readFile(path.join(dir, name), "utf8")) as CaughtMail),
  )
  return mails.filter((mail) => mail.envelope.to.includes(address.toLowerCase()))
}

/**
 * Waits for the `count`-th message to an address (with a subject starting with `subject`, if given) (the outbox worker delivers asynchronously) and
 * returns it. `deliver` runs between polls: integration tests pass the outbox pass, since no
 * app server runs the worker for them.
 */
export async function waitForMail(
  address: string,
  options: {
    count?: number
    subject?: string
    timeoutMs?: number
    dir?: string
    deliver?: () => Promise<unknown>
  } = {},
): Promise<CaughtMail> {
  const count = options.count ?? 1
  const deadline = Date.now() + (options.timeoutMs ?? 15_000)
  for (;;) {
    await options.deliver?.()
    const mails = (await mailsTo(address, options.dir)).filter(
      (mail) => !options.subject || mail.subject.startsWith(options.subject),
    )
    const mail = mails[count - 1]
    if (mail) return mail
    if (Date.now() > deadline) throw new Error(`no mail #${count} to ${address} within the wait (have ${mails.length})`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** The first link in a mail whose path starts with `pathPrefix`. */
export function linkIn(mail: CaughtMail, pathPrefix: string): URL {
  const link = mail.links.map((href) => new URL(href)).find((url) => url.pathname.startsWith(pathPrefix))
  if (!link) throw new Error(`no ${pathPrefix} link in "${mail.subject}": ${mail.links.join(", ")}`)
  return link
}
