/** One sample of Prometheus text exposition: `name{label="value",…} number`. */
export type Sample = { name: string; labels: Record<string, string>; value: number }

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

/** Parses Prometheus text format (what prom-client writes); fails on a line it cannot read. */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue
    const match = SAMPLE.exec(line)
    if (!match?.[1] || !match[3]) throw new Error(`not a Prometheus sample line: ${line}`)
    const labels: Record<string, string> = {}
    for (const [, name, value] of (match[2] ?? "").matchAll(LABEL)) {
      if (name)
        labels[name] = (value ?? "").replace(/\\(.)/g, (_, escaped: string) => (escaped === "n" ? "\n" : escaped))
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) })
  }
  return samples
}

/** The sum of every sample named `name` whose labels include `labels` (0 when there is none). */
export function sumOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter(
      (sample) =>
        sample.name === name && Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
    )
    .reduce((total, sample) => total + sample.value, 0)
}

/**
 * Whether a label value looks like user data or a secret: an email, a UUID, a cuid, a long random
 * token (base64url or hex, which hold digits), a number long enough to be an id, a query.
 * Route patterns, error codes and kinds do not.
 */
export function looksLikeUserData(value: string): boolean {
  if (/[@?=]/.test(value) || /[0-9a-f]{8}-[0-9a-f]{4}-/i.test(value) || /\d{6,}/.test(value)) return true
  return (value.match(/[A-Za-z0-9_-]{16,}/g) ?? []).some((run) => /\d/.test(run))
}
