/**
 * Debian's Chromium (`apt-get install chromium`), as Playwright launches it for e2e tests and the
 * benchmark: `npx playwright install` cannot download browsers here.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"

/** Root in a container needs --no-sandbox; the rest stop Chromium dialling out to a network this machine does not have. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
]
