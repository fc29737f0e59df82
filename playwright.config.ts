import path from "node:path"
import { defineConfig, devices } from "@playwright/test"
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./scripts/services/chromium"

/**
 * `npm test` (scripts/test.ts) builds the app, starts it against real services and sets
 * E2E_BASE_URL. Browsers are not downloaded: Debian's Chromium is used.
 */
const baseURL = process.env.E2E_BASE_URL ?? "http://localhost:3000"
// Specs append every secret they create or learn here (e2e/support/secrets.ts); the secrets check
// after the run looks for each one in the server's log (E2E_SERVER_LOG, set by `npm test`).
process.env.E2E_SECRETS_FILE ??= path.resolve("test-results/e2e-secrets.txt")

export default defineConfig({
  testDir: "e2e",
  // Its own folder: Playwright empties outputDir at start, and test-results/ also holds the app
  // server's log and the Vitest report of the same run.
  outputDir: "test-results/playwright",
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  reporter: [["list"], ["json", { outputFile: process.env.E2E_JSON_REPORT ?? "test-results/e2e.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    // Clears the secrets list before the specs; its teardown checks the server log after them all.
    { name: "secrets-setup", testMatch: /secrets\.setup\.ts$/, teardown: "secrets-check" },
    { name: "secrets-check", testMatch: /secrets\.teardown\.ts$/ },
    {
      name: "chromium",
      dependencies: ["secrets-setup"],
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: CHROMIUM_ARGS,
        },
      },
    },
  ],
})
