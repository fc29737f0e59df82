import { randomBytes } from "node:crypto"
import { readFileSync } from "node:fs"
import { mkdir, readFile } from "node:fs/promises"
import type { APIRequestContext } from "@playwright/test"
import { sql } from "./support/db"
import { expect, keepClientAddressOffStorage, registerAccount, signInWithApi, test } from "./support/fixtures"
import { LOCALE_COOKIE } from "@/i18n/locales"

/**
 * Writes the screenshots under docs/screenshots/ (README): phone and desktop, light and dark, in
 * English and Arabic. Off in the normal run; regenerate with
 * `VALET_SCREENSHOTS=1 npm test -- --skip-ceph --skip-cluster --vitest=none --e2e=screenshots`.
 * Signed-in pages are one line each in SHOTS; the share dialog, the recipient's page (opened by
 * someone without an account), the sign-in page, the API reference and the admin's storage
 * self-test (passing, and failing as it does when the browser cannot reach storage) follow.
 */
const SHOTS = [
  { name: "files", path: "/files", ready: ".uppy-Dashboard" },
  { name: "home", path: "/", ready: "main h1" },
  { name: "settings", path: "/settings", ready: "main h1" },
]
/** The messages each run's labels come from (Playwright loads no JSON modules without attributes). */
type FilesMessages = { files: { shareNamed: string } }
const MESSAGES = {
  en: JSON.parse(readFileSync("messages/en.json", "utf8")) as FilesMessages,
  ar: JSON.parse(readFileSync("messages/ar.json", "utf8")) as FilesMessages,
}
const SHARED_FILE = "Quarterly report 2026.pdf"
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
    ["Team picture.png", "image/png", 0],
    ["Budget.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 88_000],
  ] as const) {
    // Small bodies with realistic names; the sizes shown are the bytes actually stored. The picture
    // is a real image, so the recipient's preview shows one rather than a broken icon.
    const data = type === "image/png" ? await readFile("public/og.png") : randomBytes(Math.min(size, 256 * 1024))
    const granted = await request.post("/api/uploads", { data: { name, size: data.length, type }, headers: { origin } })
    const { upload } = await granted.json()
    await request.put(upload.url, { data, headers: upload.headers })
    await request.post(`/api/uploads/${upload.id}/complete`, { data: {}, headers: { origin } })
  }
  // A link to three of them, as a recipient would get it.
  const { files } = await (await request.get("/api/files")).json()
  const created = await request.post("/api/shares", {
    data: {
      fileIds: (files as { id: string; name: string }[])
        .filter((file) => file.name !== "Budget.xlsx")
        .map((file) => file.id),
      title: "Q3 report and photos",
      message: "Here are the report and the photos from the offsite. The link works for a week.",
      expiresIn: 7 * 24 * 60 * 60,
      maxDownloads: 10,
    },
    headers: { origin },
  })
  expect(created.status(), await created.text()).toBe(201)
  return ((await created.json()) as { share: { url: string } }).share.url
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
  const shareUrl = await seed(setup.request, origin)
  const cookies = await setup.cookies()
  await setup.close()
  // The storage self-test is the admin's; Dana stays a plain user so her pages look like anyone's.
  const adminSetup = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "10.253.0.8" } })
  const { credentials: adminCredentials } = await registerAccount(adminSetup.request, {
    email: `sam-${randomBytes(3).toString("hex")}@example.test`,
    password: `Correct-horse-${randomBytes(4).toString("hex")}`,
    name: "Sam",
  })
  // Verified too: the "confirm your email" banner is not what these shots are about.
  await sql(`UPDATE "User" SET role = 'ADMIN', "emailVerifiedAt" = now() WHERE email = $1`, [adminCredentials.email])
  expect((await signInWithApi(adminSetup.request, adminCredentials)).status()).toBe(200)
  const adminCookies = await adminSetup.cookies()
  await adminSetup.close()

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
        const file = (name: string) => `${OUT}/${name}-${viewport.name}-${colorScheme}-${locale}.png`
        for (const shot of SHOTS) {
          await page.goto(shot.path)
          await expect(page.locator(shot.ready).first()).toBeVisible()
          await page.screenshot({ path: file(shot.name), fullPage: viewport.name === "phone" })
        }
        await page.goto("/files")
        const shareLabel = MESSAGES[locale].files.shareNamed.replace("{name}", SHARED_FILE)
        await page.getByRole("button", { name: shareLabel }).filter({ visible: true }).first().click()
        await expect(page.getByRole("dialog")).toBeVisible()
        await page.screenshot({ path: file("share-dialog") })
        await context.close()

        // The recipient has no account: a fresh context with only the language cookie.
        const anonymous = await browser.newContext({ colorScheme, viewport })
        await anonymous.addCookies([{ name: LOCALE_COOKIE, value: locale, url: origin }])
        const visitor = await anonymous.newPage()
        await visitor.goto(shareUrl)
        await expect(visitor.locator("main h1")).toBeVisible()
        await visitor.screenshot({ path: file("recipient"), fullPage: viewport.name === "phone" })
        await visitor.goto("/sign-in")
        await expect(visitor.locator("main h1")).toBeVisible()
        await visitor.screenshot({ path: file("sign-in"), fullPage: viewport.name === "phone" })
        // The reference is long: its first screen shows how it reads.
        await visitor.goto("/docs/api")
        await expect(visitor.locator("#errors-heading")).toBeAttached()
        await visitor.screenshot({ path: file("api-docs") })
        await anonymous.close()

        const admin = await browser.newContext({
          colorScheme,
          viewport,
          extraHTTPHeaders: { "x-forwarded-for": "10.253.0.8" },
        })
        await admin.addCookies([...adminCookies, { name: LOCALE_COOKIE, value: locale, url: origin }])
        const adminPage = await admin.newPage()
        await keepClientAddressOffStorage(adminPage, origin)
        const browserCheck = adminPage.locator('tr[data-check="browser"]')
        await adminPage.goto("/admin/storage")
        await expect(browserCheck).toHaveAttribute("data-status", "ok", { timeout: 30_000 })
        await adminPage.screenshot({ path: file("storage"), fullPage: viewport.name === "phone" })
        // What an admin sees when the browser cannot reach storage (a firewall, a wrong public
        // endpoint): the page's own probe is refused before it leaves the browser.
        await adminPage.route(
          (url) => url.origin !== origin,
          (route) => route.abort(),
        )
        await adminPage.reload()
        await expect(browserCheck).toHaveAttribute("data-status", "fail", { timeout: 30_000 })
        await adminPage.screenshot({ path: file("storage-failing"), fullPage: viewport.name === "phone" })
        await admin.close()
      }
    }
  }
})
