import { randomBytes } from "node:crypto"
import { mkdir } from "node:fs/promises"
import type { APIRequestContext } from "@playwright/test"
import { expect, registerAccount, signInWithApi, test } from "./support/fixtures"
import { LOCALE_COOKIE } from "@/i18n/locales"

/**
 * Writes the screenshots under docs/screenshots/ (README): phone and desktop, light and dark, in
 * English and Arabic. Off in the normal run; regenerate with
 * `VALET_SCREENSHOTS=1 npm test -- --skip-ceph --skip-cluster --vitest=none --e2e=screenshots`.
 * Pages are one line each in SHOTS.
 */
const SHOTS = [
  { name: "files", path: "/files", ready: ".uppy-Dashboard" },
  { name: "home", path: "/", ready: "main h1" },
]
const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
]
const OUT = "docs/screenshots"

test.skip(!process.env.VALET_SCREENSHOTS, "set VALET_SCREENSHOTS=1 to write docs/screenshots/")

async function seed(request: APIRequestContext, origin: string) {
  for (const [name, type, size] of [
    ["Quarterly report 2026.pdf", "application/pdf", 2_400_000],
    ["Holiday photos.zip", "application/zip", 48_000_000],
    ["Team picture.jpg", "image/jpeg", 3_100_000],
    ["Budget.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 88_000],
  ] as const) {
    // Small bodies with realistic names; the sizes shown are the bytes actually stored.
    const data = randomBytes(Math.min(size, 256 * 1024))
    const granted = await request.post("/api/uploads", { data: { name, size: data.length, type }, headers: { origin } })
    const { upload } = await granted.json()
    await request.put(upload.url, { data, headers: upload.headers })
    await request.post(`/api/uploads/${upload.id}/complete`, { data: {}, headers: { origin } })
  }
}

test("screenshots of my pages in light and dark, desktop and phone, English and Arabic", async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(300_000)
  await mkdir(OUT, { recursive: true })
  const origin = new URL(baseURL ?? "").origin
  const setup = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "10.253.0.7" } })
  const { credentials } = await registerAccount(setup.request, {
    email: `dana-${randomBytes(3).toString("hex")}@example.test`,
    password: `Correct-horse-${randomBytes(4).toString("hex")}`,
    name: "Dana",
  })
  expect((await signInWithApi(setup.request, credentials)).status()).toBe(200)
  await seed(setup.request, origin)
  const cookies = await setup.cookies()
  await setup.close()

  for (const locale of ["en", "ar"] as const) {
    for (const colorScheme of ["light", "dark"] as const) {
      for (const viewport of VIEWPORTS) {
        const context = await browser.newContext({
          colorScheme,
          viewport,
          extraHTTPHeaders: { "x-forwarded-for": "10.253.0.7" },
        })
        await context.addCookies([...cookies, { name: LOCALE_COOKIE, value: locale, url: origin }])
        const page = await context.newPage()
        for (const shot of SHOTS) {
          await page.goto(shot.path)
          await expect(page.locator(shot.ready).first()).toBeVisible()
          await page.screenshot({
            path: `${OUT}/${shot.name}-${viewport.name}-${colorScheme}-${locale}.png`,
            fullPage: viewport.name === "phone",
          })
        }
        await context.close()
      }
    }
  }
})
