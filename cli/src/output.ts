/** What the commands print: results on stdout (JSON with --json), progress and notes on stderr. */
export type Output = {
  json: boolean
  quiet: boolean
  /** A result line (ignored with --json, where the command prints one JSON document instead). */
  line(text: string): void
  /** The one JSON document a command prints with --json. */
  result(value: unknown): void
  /** A note on stderr (never with --quiet). */
  note(text: string): void
  progress(label: string, total: number): Progress
}

export type Progress = { add(bytes: number): void; event(text: string): void; done(): void }

export function formatBytes(value: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"]
  let scaled = value
  let unit = 0
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024
    unit++
  }
  return `${unit === 0 ? scaled : scaled.toFixed(1)} ${units[unit]}`
}

export function createOutput(options: { json: boolean; quiet: boolean }): Output {
  const tty = process.stderr.isTTY === true
  return {
    ...options,
    line: (text) => {
      if (!options.json) process.stdout.write(`${text}\n`)
    },
    result: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    note: (text) => {
      if (!options.quiet) process.stderr.write(`${text}\n`)
    },
    progress: (label, total) => {
      if (options.quiet) return { add: () => undefined, event: () => undefined, done: () => undefined }
      return tty ? barProgress(label, total) : lineProgress(label)
    },
  }
}

/** On a terminal: one redrawn line, at most ten times a second. */
function barProgress(label: string, total: number): Progress {
  let sent = 0
  let drawnAt = 0
  const started = Date.now()
  const draw = (force = false) => {
    const now = Date.now()
    if (!force && now - drawnAt < 100) return
    drawnAt = now
    const share = total === 0 ? 1 : Math.min(1, sent / total)
    const width = 24
    const filled = Math.round(share * width)
    const rate = sent / Math.max(0.001, (now - started) / 1000)
    const name = label.length > 32 ? `${label.slice(0, 31)}…` : label
    process.stderr.write(
      `\r\x1b[2K${name} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.floor(share * 100)}% ` +
        `${formatBytes(sent)}/${formatBytes(total)} ${formatBytes(rate)}/s`,
    )
  }
  draw(true)
  return {
    add: (bytes) => {
      sent += bytes
      draw()
    },
    event: () => undefined,
    done: () => {
      draw(true)
      process.stderr.write("\n")
    },
  }
}

/** Not a terminal (a log, CI, a pipe): one plain line per event, no control characters. */
function lineProgress(label: string): Progress {
  return {
    add: () => undefined,
    event: (text) => process.stderr.write(`${label}: ${text}\n`),
    done: () => undefined,
  }
}
