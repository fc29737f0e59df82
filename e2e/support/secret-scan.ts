/**
 * Finds secrets in a server log: anything a log line must never hold (DESIGN §3). Two kinds of
 * evidence: shapes that are secret wherever they appear (a presigned query, an API token, a
 * token-bearing share or upload-request path), and the exact values the e2e specs created or
 * learned at runtime (passwords, tokens), recorded by e2e/support/secrets.ts.
 */

export type Leak = { line: number; kind: string; excerpt: string }

const SHAPES: { kind: string; pattern: RegExp }[] = [
  { kind: "presigned URL signature", pattern: /X-Amz-Signature/i },
  { kind: "presigned URL credential", pattern: /X-Amz-Credential/i },
  { kind: "API token", pattern: /vlt_[A-Za-z0-9_-]{20,}/ },
  { kind: "share or upload-request link", pattern: /\/[sr]\/[A-Za-z0-9_-]{32,}/ },
]

/** Recorded values shorter than this are skipped: they would match ordinary words. */
export const MIN_SECRET_LENGTH = 8

/** Shows where a secret was without printing it: its first characters only. */
const redact = (text: string) => `${text.slice(0, 4)}…(${text.length} chars)`

export function findLeaks(log: string, secrets: Iterable<string>): Leak[] {
  const values = [...new Set(secrets)].filter((secret) => secret.length >= MIN_SECRET_LENGTH)
  const leaks: Leak[] = []
  log.split("\n").forEach((text, index) => {
    for (const { kind, pattern } of SHAPES) {
      const match = pattern.exec(text)
      if (match) leaks.push({ line: index + 1, kind, excerpt: redact(match[0]) })
    }
    for (const secret of values) {
      if (text.includes(secret)) leaks.push({ line: index + 1, kind: "secret used by a spec", excerpt: redact(secret) })
    }
  })
  return leaks
}

/** The secrets file: one value per line (values never contain newlines: tokens and passwords). */
export function parseSecretsFile(text: string): string[] {
  return text.split("\n").filter((line) => line.length > 0)
}
