import { parseArgs, type ParseArgsConfig } from "node:util"
import { Api } from "./api.js"
import { loadConfig, normalizeServerUrl, removeConfig, saveConfig } from "./config.js"
import { downloadShare, type DownloadedFile } from "./download.js"
import { CliError, EXIT, usageError, type ExitCode } from "./errors.js"
import { createOutput, formatBytes, type Output } from "./output.js"
import { promptHidden, readPipedLine } from "./prompt.js"
import { uploadFile, type UploadReport } from "./upload.js"

const VERSION = "0.1.0"

const HELP = `valet — upload, share and download with a Valet server

Usage: valet <command> [options]

  login <url>                     save the server and an API token (asked for, or VALET_TOKEN, or stdin)
  logout                          forget the saved token
  upload <file…>                  upload files (multipart in parallel, resumes an interrupted run)
      --share                     then make one link for all of them
      --expires <7d|12h|30m|never>  --max-downloads <n>  --password  --title <text>
      --type <media type>         --parallel <n> (parts in flight, default 4)
  ls                              your files
  share <fileId…>                 one link for these files (--expires, --max-downloads, --password, --title)
  shares                          your links
  revoke <shareId>                revoke a link
  download <share-url>            download a link's files as a recipient (-o <dir>, --password)
  rm <fileId…>                    delete files (and revoke their links)

Global options: --json (one JSON document on stdout), --quiet (no progress), --help, --version
--password never takes a value: it asks on a terminal, or reads VALET_SHARE_PASSWORD.
Exit codes: 0 ok, 1 internal, 2 usage, 3 auth, 4 share password, 5 not found, 6 link gone,
7 refused, 8 network/storage, 9 rate limited, 130 interrupted. See docs/cli.md.
`

const OPTIONS = {
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
  share: { type: "boolean" },
  expires: { type: "string" },
  "max-downloads": { type: "string" },
  password: { type: "boolean" },
  title: { type: "string" },
  type: { type: "string" },
  parallel: { type: "string" },
  output: { type: "string", short: "o" },
} as const satisfies ParseArgsConfig["options"]

type Options = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]["type"] extends "boolean" ? boolean : string }

/** Which options each command reads; any other is a usage error rather than silently ignored. */
const COMMAND_OPTIONS: Record<string, (keyof Options)[]> = {
  login: [],
  logout: [],
  upload: ["share", "expires", "max-downloads", "password", "title", "type", "parallel"],
  ls: [],
  share: ["expires", "max-downloads", "password", "title"],
  shares: [],
  revoke: [],
  download: ["output", "password"],
  rm: [],
}
const GLOBAL_OPTIONS: (keyof Options)[] = ["json", "quiet", "help", "version"]

/** "7d", "12h", "30m", "90s", a bare number of seconds, or "never" (null). */
export function parseExpiry(value: string): number | null {
  if (value === "never") return null
  const match = /^(\d+)\s*([smhdw]?)$/i.exec(value.trim())
  if (!match?.[1]) throw usageError(`--expires ${value}: use e.g. 30m, 12h, 7d, 2w or never`)
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[(match[2] ?? "").toLowerCase()] ?? 1
  return Number(match[1]) * unit
}

function positiveInteger(name: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw usageError(`--${name} ${value}: use a whole number of at least 1`)
  return Number(value)
}

/**
 * A link's password: never from argv (other users see it in `ps` and it stays in shell history).
 * VALET_SHARE_PASSWORD wins; otherwise it is asked for on the terminal.
 */
async function sharePassword(): Promise<string> {
  const fromEnv = process.env.VALET_SHARE_PASSWORD
  if (fromEnv) return fromEnv
  const asked = await promptHidden("Link password: ")
  if (asked === null) throw usageError("--password needs a terminal to ask on, or VALET_SHARE_PASSWORD")
  if (asked === "") throw usageError("No password given")
  return asked
}

type ShareSettings = { expiresIn?: number | null; maxDownloads?: number; password?: string; title?: string }

async function shareSettings(options: Options): Promise<ShareSettings> {
  return {
    ...(options.expires === undefined ? {} : { expiresIn: parseExpiry(options.expires) }),
    ...(options["max-downloads"] === undefined
      ? {}
      : { maxDownloads: positiveInteger("max-downloads", options["max-downloads"]) }),
    ...(options.title === undefined ? {} : { title: options.title }),
    ...(options.password ? { password: await sharePassword() } : {}),
  }
}

type Share = {
  id: string
  url: string | null
  title: string | null
  state: string
  expiresAt: string | null
  maxDownloads: number | null
  downloads: number
  hasPassword: boolean
  files: { id: string; name: string; size: number }[]
  createdAt: string
}

const createShare = (api: Api, fileIds: string[], settings: ShareSettings) =>
  api.call<{ share: Share }>("POST", "/api/shares", { fileIds, ...settings }).then(({ share }) => share)

async function connect(output: Output): Promise<Api> {
  const config = await loadConfig((line) => output.note(`warning: ${line}`))
  return new Api(config.url, config.token)
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? []
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")
}

const dateOf = (value: string | null) => (value ? value.replace("T", " ").slice(0, 16) : "never")

async function run(command: string, args: string[], options: Options, output: Output): Promise<void> {
  const needArgs = (min: number, what: string) => {
    if (args.length < min) throw usageError(`valet ${command} needs ${what}`)
  }
  const noArgs = () => {
    if (args.length > 0) throw usageError(`valet ${command} takes no arguments`)
  }

  switch (command) {
    case "login": {
      needArgs(1, "the server URL, e.g. valet login https://files.example.com")
      if (args.length > 1)
        throw usageError("valet login takes one URL; the token is asked for or read from VALET_TOKEN")
      const url = normalizeServerUrl(args[0] ?? "")
      const token =
        process.env.VALET_TOKEN || (await promptHidden("API token (Account → API tokens): ")) || (await readPipedLine())
      if (!token)
        throw new CliError("No token: set VALET_TOKEN, pipe it on stdin, or run on a terminal", EXIT.auth, "no_token")
      const { account } = await new Api(url, token).call<{ account: { email: string } }>("GET", "/api/account")
      const file = await saveConfig({ url, token })
      output.line(`Logged in to ${url} as ${account.email} (saved in ${file})`)
      if (output.json) output.result({ url, email: account.email, config: file })
      return
    }
    case "logout": {
      noArgs()
      const removed = await removeConfig()
      output.line(removed ? "Logged out" : "Not logged in")
      if (output.json) output.result({ loggedOut: removed })
      return
    }
    case "upload": {
      needArgs(1, "at least one file")
      const parallel = options.parallel === undefined ? 4 : positiveInteger("parallel", options.parallel)
      if (!options.share && (options.expires || options["max-downloads"] || options.password || options.title)) {
        throw usageError("--expires, --max-downloads, --password and --title describe a link: add --share")
      }
      if (options.type && args.length > 1) throw usageError("--type applies to one file; upload the others separately")
      // Asked before any byte moves: a long upload must not end waiting at a prompt.
      const settings = options.share ? await shareSettings(options) : {}
      const api = await connect(output)
      const reports: UploadReport[] = []
      for (const file of args) {
        const report = await uploadFile(api, output, file, { parallel, type: options.type })
        reports.push(report)
        output.line(
          `${report.file.id}  ${report.file.name}  ${formatBytes(report.file.size)}${report.resumed ? "  (resumed)" : ""}`,
        )
      }
      const share = options.share
        ? await createShare(
            api,
            reports.map((report) => report.file.id),
            settings,
          )
        : undefined
      if (share) output.line(share.url ?? share.id)
      if (output.json) output.result({ files: reports, ...(share ? { share } : {}) })
      return
    }
    case "ls": {
      noArgs()
      const api = await connect(output)
      type Listed = { id: string; name: string; size: number; type: string; createdAt: string; activeShares: number }
      const files: Listed[] = []
      let cursor: string | null = null
      do {
        const page: { files: Listed[]; nextCursor: string | null } = await api.call(
          "GET",
          `/api/files?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        )
        files.push(...page.files)
        cursor = page.nextCursor
      } while (cursor)
      if (output.json) return output.result({ files })
      if (files.length === 0) return output.line("No files yet")
      output.line(
        table([
          ["ID", "SIZE", "UPLOADED", "LINKS", "NAME"],
          ...files.map((file) => [
            file.id,
            formatBytes(file.size),
            dateOf(file.createdAt),
            String(file.activeShares),
            file.name,
          ]),
        ]),
      )
      return
    }
    case "share": {
      needArgs(1, "at least one file id (see valet ls)")
      const settings = await shareSettings(options)
      const share = await createShare(await connect(output), args, settings)
      if (output.json) return output.result({ share })
      output.line(share.url ?? share.id)
      return
    }
    case "shares": {
      noArgs()
      const { shares } = await (await connect(output)).call<{ shares: Share[] }>("GET", "/api/shares")
      if (output.json) return output.result({ shares })
      if (shares.length === 0) return output.line("No links yet")
      output.line(
        table([
          ["ID", "STATE", "EXPIRES", "DOWNLOADS", "FILES", "URL"],
          ...shares.map((share) => [
            share.id,
            share.state,
            dateOf(share.expiresAt),
            `${share.downloads}/${share.maxDownloads ?? "∞"}`,
            share.files.length === 1 ? (share.files[0]?.name ?? "") : `${share.files.length} files`,
            share.url ?? "",
          ]),
        ]),
      )
      return
    }
    case "revoke": {
      needArgs(1, "a link id (see valet shares)")
      if (args.length > 1) throw usageError("valet revoke takes one link id")
      await (await connect(output)).call("DELETE", `/api/shares/${encodeURIComponent(args[0] ?? "")}`)
      output.line(`Revoked ${args[0]}`)
      if (output.json) output.result({ revoked: args[0] })
      return
    }
    case "rm": {
      needArgs(1, "at least one file id (see valet ls)")
      const api = await connect(output)
      const deleted: string[] = []
      for (const id of args) {
        await api.call("DELETE", `/api/files/${encodeURIComponent(id)}`)
        deleted.push(id)
        output.line(`Deleted ${id}`)
      }
      if (output.json) output.result({ deleted })
      return
    }
    case "download": {
      needArgs(1, "a share link, e.g. valet download https://files.example.com/s/…")
      if (args.length > 1) throw usageError("valet download takes one link")
      const files: DownloadedFile[] = await downloadShare(output, args[0] ?? "", {
        dir: options.output ?? ".",
        password: async () => (options.password ? sharePassword() : process.env.VALET_SHARE_PASSWORD || undefined),
        askPassword: () => promptHidden("This link has a password: "),
      })
      for (const file of files) output.line(file.path)
      if (output.json) output.result({ files })
      return
    }
    default:
      throw usageError(`Unknown command ${command}; see valet --help`)
  }
}

export async function main(argv: string[]): Promise<ExitCode> {
  let parsed: { values: Options; positionals: string[] }
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }) as typeof parsed
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const output = createOutput({ json: argv.includes("--json"), quiet: false })
    const hint = /--password/.test(message)
      ? " (--password takes no value: it asks, or reads VALET_SHARE_PASSWORD, so the password never shows in ps)"
      : ""
    return report(output, usageError(`${message}${hint}`))
  }
  const { values: options, positionals } = parsed
  const output = createOutput({ json: options.json === true, quiet: options.quiet === true })
  if (options.version) {
    process.stdout.write(`${VERSION}\n`)
    return EXIT.ok
  }
  const [command, ...args] = positionals
  if (options.help || !command) {
    process.stdout.write(HELP)
    return command || options.help ? EXIT.ok : EXIT.usage
  }
  try {
    const allowed = COMMAND_OPTIONS[command]
    if (allowed) {
      const extra = (Object.keys(options) as (keyof Options)[]).filter(
        (name) => !allowed.includes(name) && !GLOBAL_OPTIONS.includes(name),
      )
      if (extra.length > 0) throw usageError(`valet ${command} does not take --${extra.join(", --")}`)
    }
    await run(command, args, options, output)
    return EXIT.ok
  } catch (error) {
    return report(output, error)
  }
}

function report(output: Output, error: unknown): ExitCode {
  const failure =
    error instanceof CliError
      ? error
      : error instanceof Error && "interrupted" in error
        ? new CliError("Interrupted", EXIT.interrupted, "interrupted")
        : new CliError(
            error instanceof Error ? (error.stack ?? error.message) : String(error),
            EXIT.internal,
            "internal",
          )
  if (output.json) {
    process.stdout.write(
      `${JSON.stringify({ error: { code: failure.code ?? "error", message: failure.message, exitCode: failure.exitCode, ...(failure.status ? { status: failure.status } : {}) } }, null, 2)}\n`,
    )
  } else {
    process.stderr.write(`valet: ${failure.message}\n`)
  }
  return failure.exitCode
}
