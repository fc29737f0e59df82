import { existsSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { expect, test } from "@playwright/test"
import { findLeaks, parseSecretsFile } from "./support/secret-scan"

/**
 * Runs after every spec (the teardown of the `secrets-setup` project): the app server's log of
 * the whole run must not hold a presigned query, a link token, an API token or a password
 * (DESIGN §3). `npm test` captures the log and names it in E2E_SERVER_LOG.
 */
test("the app server's log holds none of the secrets the specs used", async () => {
  const logFile = process.env.E2E_SERVER_LOG
  test.skip(!logFile, "E2E_SERVER_LOG is not set: the server's log was not captured (run through `npm test`)")
  const secretsFile = process.env.E2E_SECRETS_FILE ?? ""
  const log = await readFile(logFile ?? "", "utf8")
  const secrets = existsSync(secretsFile) ? parseSecretsFile(await readFile(secretsFile, "utf8")) : []
  // The specs sign up and sign in many times: an empty list means the recording broke.
  expect.soft(secrets.length, `no secrets were recorded in ${secretsFile}`).toBeGreaterThan(0)
  console.log(`secrets check: ${secrets.length} recorded secrets against ${log.split("\n").length} log lines`)
  const leaks = findLeaks(log, secrets).map((leak) => `${logFile}:${leak.line}: ${leak.kind} ${leak.excerpt}`)
  expect(leaks, "secrets in the server log").toEqual([])
})
