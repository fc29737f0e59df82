import { appendFileSync } from "node:fs"

/**
 * Records a secret a spec created or learned (a password, a share or API token), so the check
 * after the run (e2e/secrets.teardown.ts) can prove the server never logged it. Appends
 * synchronously: specs run in worker processes, and a line must not be lost if one exits.
 */
export function recordSecret(...secrets: (string | undefined)[]) {
  const file = process.env.E2E_SECRETS_FILE
  if (!file) return
  const values = secrets.filter((secret): secret is string => Boolean(secret) && !secret?.includes("\n"))
  if (values.length > 0) appendFileSync(file, values.map((value) => `${value}\n`).join(""))
}

const TOKEN_IN_PATH = /\/[sr]\/([A-Za-z0-9_-]{20,})/

/** Records the token of a share (/s/…) or upload-request (/r/…) link found in a URL. */
export function recordLinkToken(url: string) {
  recordSecret(TOKEN_IN_PATH.exec(url)?.[1])
}
