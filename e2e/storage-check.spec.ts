import { randomBytes } from "node:crypto"
import { mkdir } from "node:fs/promises"
import path from "node:path"
import AxeBuilder from "@axe-core/playwright"
import type { Page } from "@playwright/test"
import { watchCspViolations } from "./support/csp"
import { sql } from "./support/db"
import {
  expect,
  keepClientAddressOffStorage,
  registerAccount,
  signInWithApi,
  test,
  type Credentials,
} from "./support/fixtures"

/**
 * The admin console's storage self-test in Chromium: the page runs the server's checks and its
 * own probe (a presigned PUT, GET and DELETE of a probe object, from the page, under the app's
 * CSP and the bucket's CORS rule), and every check passes against the storage the run uses. Axe
 * on the finished page in light and dark, desktop and phone; screenshots under
 * test-results/screenshots/.
 */
const MODES = [
  { name: "light desktop", label: "desktop", colorScheme: "light", viewport: { width: 1280, height: 800 } },
  { name: "dark desktop", label: "desktop", colorScheme: "dark", viewport: { width: 1280, height: 800 } },
  { name: "light phone", label: "phone", colorScheme: "light", viewport: { width: 390, height: 844 } },
  { name: "dark phone", label: "phone", colorScheme: "dark", viewport: { width: 390, height: 844 } },
] as const

let admin: Credentials

test.beforeAll(async ({ playwright, baseURL }) => {
  const request = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { "x-forwarded-for": `10.252.${randomBytes(1)[0]}.${(randomBytes(1)[0] ?? 0) | 1}` },
  })
  const { credentials } = await registerAccount(request)
  await sql(`UPDATE "User" SET role = 'ADMIN' WHERE email = $1`, [credentials.email])
  await request.dispose()
  admin = credentials
})

/** Waits for the self-test to finish and answers each row's check id and status. */
/** The self-test's own live status line (the page has others, e.g. the verify-email banner). */
const summaryOf = (page: Page) => page.getByRole("region", { name: "Storage self-test" }).getByRole("status")

async function finishedChecks(page: Page): Promise<Record<string, string>> {
  await expect(summaryOf(page)).toHaveText(/All checks passed\.|checks? failed\./, { timeout: 30_000 })
  const rows = page.locator("tr[data-check]")
  const entries = await rows.evaluateAll((elements) =>
    elements.map((element) => [element.getAttribute("data-check") ?? "", element.getAttribute("data-status") ?? ""]),
  )
  return Object.fromEntries(entries)
}

test("the storage self-test passes every check, the browser's own probe included", async ({ page, baseURL }) => {
  expect((await signInWithApi(page.request, admin)).status()).toBe(200)
  const storageRequests: string[] = []
  page.on("request", (request) => {
    if (new URL(request.url()).origin !== new URL(baseURL ?? "").origin) storageRequests.push(request.method())
  })
  await page.goto("/admin")
  await page.getByRole("link", { name: "Storage", exact: true }).click()
  await expect(page.getByRole("heading", { name: "Storage self-test", level: 2 })).toBeVisible()
  expect(await finishedChecks(page)).toEqual({
    bucket: "ok",
    public_endpoint: "ok",
    browser: "ok",
    cors: "ok",
    clock: "ok",
    checksums: "ok",
    presign_host: "ok",
  })
  await expect(summaryOf(page)).toHaveText("All checks passed.")
  // The probe really went from this page to storage (a CORS preflight precedes the PUT and DELETE).
  await expect.poll(() => storageRequests).toEqual(expect.arrayContaining(["PUT", "GET", "DELETE"]))

  // Run again works too (fresh keys; the last probe object is gone).
  await page.getByRole("button", { name: "Run again" }).click()
  expect((await finishedChecks(page)).browser).toBe("ok")
})

for (const mode of MODES) {
  test(`axe finds no serious or critical violation on the storage self-test (${mode.name})`, async ({
    browser,
    baseURL,
  }) => {
    const context = await browser.newContext({
      colorScheme: mode.colorScheme,
      viewport: mode.viewport,
      extraHTTPHeaders: { "x-forwarded-for": `10.253.${randomBytes(1)[0]}.${(randomBytes(1)[0] ?? 0) | 1}` },
    })
    const page = await context.newPage()
    await keepClientAddressOffStorage(page, new URL(baseURL ?? "").origin)
    const violations = watchCspViolations(page)
    expect((await signInWithApi(page.request, admin)).status()).toBe(200)
    await page.goto("/admin/storage")
    expect(Object.values(await finishedChecks(page)).every((status) => status === "ok")).toBe(true)
    const results = await new AxeBuilder({ page })
      .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
      .analyze()
    const serious = results.violations
      .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(" | ")}`)
    expect(serious).toEqual([])
    // Nothing scrolls sideways on a phone (the table scrolls inside its own region).
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    const dir = path.resolve("test-results/screenshots")
    await mkdir(dir, { recursive: true })
    await page.screenshot({
      path: path.join(dir, `storage-check-${mode.label}-${mode.colorScheme}.png`),
      fullPage: true,
    })
    expect(violations).toEqual([])
    await context.close()
  })
}
