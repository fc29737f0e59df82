import { AsyncLocalStorage } from "node:async_hooks"
import pino, { type Logger } from "pino"
import pretty from "pino-pretty"
import { parseLogEnv } from "@/lib/env"

/**
 * The one logger: levels, a request id on every line logged while a route runs (lib/route.ts
 * opens the scope), JSON lines in production and tests, pino-pretty in development. Messages
 * never carry a presigned query or a token (DESIGN §3.9): every string is redacted on the way in.
 */
const requestScope = new AsyncLocalStorage<{ requestId: string }>()

/** The id of the request being served, when there is one. */
export const currentRequestId = (): string | undefined => requestScope.getStore()?.requestId

/** Runs `work` with `requestId` on every line it logs. */
export const withRequestId = <T>(requestId: string, work: () => T): T => requestScope.run({ requestId }, work)

/**
 * Drops the query string of every URL in a text. A presigned URL's query *is* the key
 * (X-Amz-Signature, credential, expiry), and logs must never hold one (DESIGN §3.9).
 */
export function redactUrlQueries(text: string): string {
  return text.replace(/(\bhttps?:\/\/[^\s?#"'<>]+)\?[^\s"'<>]*/g, "$1?[redacted]")
}

type LogSink = { write(line: string): void }
/**
 * Where JSON lines go: stdout. An object so tests can spy on `write` to read what was logged; one
 * per process (kept on globalThis), so a spy still sees lines after a test reloads the modules.
 */
const globals = globalThis as { valetLogSink?: LogSink }
export const logSink: LogSink = (globals.valetLogSink ??= { write: (line) => void process.stdout.write(line) })

function createLogger(): Logger {
  const { LOG_LEVEL, NODE_ENV } = parseLogEnv()
  const options: pino.LoggerOptions = {
    level: LOG_LEVEL,
    base: undefined,
    mixin: () => {
      const requestId = currentRequestId()
      return requestId ? { requestId } : {}
    },
    // Headers and bodies are never logged whole; should one be, its secrets are not.
    redact: [
      "authorization",
      "cookie",
      "password",
      "token",
      "secret",
      "*.authorization",
      "*.cookie",
      "*.password",
      "*.token",
    ],
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === "string" ? redactUrlQueries(arg) : arg)) as Parameters<typeof method>,
        )
      },
    },
  }
  if (NODE_ENV === "development") return pino(options, pretty({ colorize: true, ignore: "pid,hostname" }))
  return pino(options, { write: (line: string) => logSink.write(line) })
}

let logger: Logger | undefined
/** The logger, built on first use (so importing a module never reads the environment). */
export function getLog(): Logger {
  logger ??= createLogger()
  return logger
}
