/**
 * A local SMTP server that accepts every message on loopback and keeps it under a folder (mode
 * 0700): `<time>-<id>.eml` as received and `<time>-<id>.json` decoded (headers, text, html, links).
 * `npm run dev` and `npm test` start it when SMTP_URL is unset, so mail works with no setup and
 * tests assert on what a real SMTP client really delivered.
 */
import { randomBytes } from "node:crypto"
import { chmod, mkdir, writeFile } from "node:fs/promises"
import path from "node:path"
import { SMTPServer } from "smtp-server"

export type CaughtMail = {
  file: string
  receivedAt: string
  envelope: { from: string | null; to: string[] }
  headers: Record<string, string>
  subject: string
  text: string
  html: string
  links: string[]
}

export type MailCatcher = { port: number; url: string; dir: string; stop(): Promise<void> }

const decodeQuotedPrintable = (body: string) =>
  Buffer.from(
    body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    "latin1",
  ).toString("utf8")

function decodeBody(body: string, encoding: string | undefined): string {
  if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8")
  if (encoding === "quoted-printable") return decodeQuotedPrintable(body)
  return body
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=), as nodemailer writes non-ASCII subjects. */
const decodeWords = (value: string) =>
  value.replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=\s*/gi, (_, _charset: string, kind: string, text: string) =>
    kind.toUpperCase() === "B"
      ? Buffer.from(text, "base64").toString("utf8")
      : decodeQuotedPrintable(text.replace(/_/g, " ")),
  )

function splitHeaders(raw: string): { headers: Record<string, string>; body: string } {
  const end = raw.search(/\r?\n\r?\n/)
  const head = end === -1 ? raw : raw.slice(0, end)
  const body = end === -1 ? "" : raw.slice(end).replace(/^\r?\n\r?\n/, "")
  const headers: Record<string, string> = {}
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":")
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim())
  }
  return { headers, body }
}

/** Enough MIME for what nodemailer writes: single part or (nested) multipart with text and html. */
export function parseMail(raw: string): Pick<CaughtMail, "headers" | "subject" | "text" | "html" | "links"> {
  const { headers, body } = splitHeaders(raw)
  const parts = { text: "", html: "" }
  const walk = (partHeaders: Record<string, string>, partBody: string) => {
    const type = partHeaders["content-type"] ?? "text/plain"
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1]
    if (type.startsWith("multipart/") && boundary) {
      for (const chunk of partBody.split(`--${boundary}`).slice(1)) {
        if (chunk.startsWith("--")) break
        // The line break before a boundary belongs to the boundary (RFC 2046).
        const inner = splitHeaders(chunk.replace(/^\r?\n/, "").replace(/\r?\n$/, ""))
        walk(inner.headers, inner.body)
      }
      return
    }
    const decoded = decodeBody(partBody, partHeaders["content-transfer-encoding"]?.toLowerCase())
    if (type.startsWith("text/html")) parts.html ||= decoded
    else if (type.startsWith("text/plain")) parts.text ||= decoded
  }
  walk(headers, body)
  const links = [...new Set(parts.text.match(/https?:\/\/[^\s<>"]+/g) ?? [])]
  return { headers, subject: headers.subject ?? "", text: parts.text, html: parts.html, links }
}

export async function startMailCatcher(options: {
  dir: string
  port: number
  onMail?: (mail: CaughtMail) => void
}): Promise<MailCatcher> {
  const dir = path.resolve(options.dir)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  // mkdir leaves an existing folder's mode alone; messages hold reset links.
  await chmod(dir, 0o700)
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    // Loopback only, any credentials: this is a catcher, not a relay.
    onAuth: (_auth, _session, callback) => callback(null, { user: "catcher" }),
    logger: false,
    banner: "Valet mail catcher",
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on("data", (chunk: Buffer) => chunks.push(chunk))
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8")
        const receivedAt = new Date()
        const base = `${receivedAt.toISOString().replace(/[:.]/g, "-")}-${randomBytes(4).toString("hex")}`
        const mail: CaughtMail = {
          file: path.join(dir, `${base}.eml`),
          receivedAt: receivedAt.toISOString(),
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
          },
          ...parseMail(raw),
        }
        // The .json is written last: a reader that sees it finds the .eml too.
        writeFile(mail.file, raw, { mode: 0o600 })
          .then(() => writeFile(path.join(dir, `${base}.json`), JSON.stringify(mail, null, 2), { mode: 0o600 }))
          .then(
            () => {
              options.onMail?.(mail)
              callback()
            },
            (error: Error) => callback(error),
          )
      })
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port, "127.0.0.1", () => {
      server.off("error", reject)
      resolve()
    })
  })
  // A client that hangs up mid-session (an app instance killed while sending, a probe) makes the
  // server emit "error"; unheard, that would end the process that hosts the catcher: the dev
  // launcher or the test runner, and with it PostgreSQL and storage.
  server.on("error", () => {})
  const address = server.server.address()
  const port = typeof address === "object" && address ? address.port : options.port
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    dir,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The console lines for one caught message: who, what, and every link to follow. */
export const describeMail = (mail: CaughtMail) =>
  [`[mail] to ${mail.envelope.to.join(", ")}: ${mail.subject}`, ...mail.links.map((link) => `[mail]   ${link}`)].join(
    "\n",
  )
