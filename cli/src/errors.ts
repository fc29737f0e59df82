/**
 * Exit codes, one per kind of failure a script may want to tell apart (docs/cli.md lists them).
 * Kept stable: scripts branch on them.
 */
export const EXIT = {
  ok: 0,
  /** A bug or an answer this client does not understand. */
  internal: 1,
  /** Bad arguments or options; nothing was sent. */
  usage: 2,
  /** No token, or the server refused it (invalid, expired, revoked, account disabled). */
  auth: 3,
  /** A share link wants a password, or the one given is wrong. */
  password: 4,
  /** No such file, link or upload for this caller. */
  notFound: 5,
  /** The share link was revoked, has expired or is used up. */
  gone: 6,
  /** The server refused the request as asked: validation, quota, size, type, state conflict. */
  refused: 7,
  /** Valet or storage could not be reached, or answered with a server error. */
  unavailable: 8,
  /** Too many requests: the server's rate limit (the message says when to retry). */
  rateLimited: 9,
  /** Interrupted (Ctrl-C); an interrupted upload resumes on the next run. */
  interrupted: 130,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** A failure the CLI reports as one line (or `{ "error": … }` with --json) and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** The server's error code when the failure came from an API answer. */
    readonly code?: string,
    readonly status?: number,
  ) {
    super(message)
    this.name = "CliError"
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage, "usage")

/** How an HTTP failure from Valet maps to an exit code: by the error code where it decides, else the status. */
export function exitCodeFor(status: number, code: string | undefined): ExitCode {
  if (code === "password_required" || code === "wrong_password") return EXIT.password
  if (status === 401) return EXIT.auth
  if (status === 404) return EXIT.notFound
  if (status === 410) return EXIT.gone
  if (status === 429) return EXIT.rateLimited
  if (status >= 500) return EXIT.unavailable
  if (status >= 400) return EXIT.refused
  return EXIT.internal
}
