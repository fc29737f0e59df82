import { randomBytes } from "node:crypto"
import AxeBuilder from "@axe-core/playwright"
import type { APIRequestContext, Browser, Page } from "@playwright/test"
import { sql } from "./support/db"
import { expect, registerAccount, signInWithApi, test, type Credentials } from "./support/fixtures"
import { recordLinkToken } from "./support/secrets"

/**
 * Accessibility and layout as a test: every page and every dialog we can open is checked by axe in
 * light and dark, at desktop and phone size, and fails on any serious or critical violation; no
 * page may scroll sideways at 360 px.
 *
 * Dark mode follows the system (`prefers-color-scheme`, Tailwind's default `dark:` variant), so
 * Playwright's `colorScheme` emulates it.
 */

type Fixture = {
  user: Credentials
  admin: Credentials
  fileName: string
  requestId: string
  requestUrl: string
  /** The path of a fresh link to the fixture's file (/s/<token>). */
  sharePath: string
}

/** Who visits a page: nobody, a plain user or an administrator. */
type Visitor = "anonymous" | "user" | "admin"

/**
 * Every page the suite checks. Adding a page is one line: a name, who visits it and its path
 * (a function of the fixture when it needs an id or a token). `ready` waits for client parts.
 */
const PAGES: {
  name: string
  as: Visitor
  path: string | ((fixture: Fixture) => string)
  ready?: (page: Page) => Promise<void>
}[] = [
  { name: "home (signed out)", as: "anonymous", path: "/" },
  { name: "sign-in", as: "anonymous", path: "/sign-in" },
  { name: "sign-up", as: "anonymous", path: "/sign-up" },
  { name: "404", as: "anonymous", path: "/no-such-page" },
  { name: "home", as: "user", path: "/" },
  { name: "files", as: "user", path: "/files", ready: (page) => expect(page.locator(".uppy-Dashboard")).toBeVisible() },
  { name: "shares", as: "user", path: "/shares" },
  { name: "requests", as: "user", path: "/requests" },
  { name: "request detail", as: "user", path: (fixture) => `/requests/${fixture.requestId}` },
  { name: "settings", as: "user", path: "/settings" },
  { name: "tokens", as: "user", path: "/settings/tokens" },
  { name: "admin overview", as: "admin", path: "/admin" },
  { name: "admin users", as: "admin", path: "/admin/users" },
  { name: "admin shares", as: "admin", path: "/admin/shares" },
  { name: "admin files", as: "admin", path: "/admin/files" },
  { name: "admin audit", as: "admin", path: "/admin/audit" },
  { name: "upload-request sender", as: "anonymous", path: (fixture) => fixture.requestUrl },
  { name: "share recipient", as: "anonymous", path: (fixture) => fixture.sharePath },
  {
    name: "API reference",
    as: "anonymous",
    path: "/docs/api",
    // The reference itself, not the error page (a rich-text placeholder once failed it whole).
    ready: (page) => expect(page.getByRole("heading", { name: "Error codes" })).toBeVisible(),
  },
]

/** Dialogs opened from a page: the page, who opens it and how. */
const DIALOGS: { name: string; as: Visitor; path: string; open: (page: Page, fixture: Fixture) => Promise<void> }[] = [
  {
    name: "share dialog",
    as: "user",
    path: "/files",
    open: (page, fixture) => page.getByRole("button", { name: `Share ${fixture.fileName}` }).click(),
  },
  {
    name: "delete confirmation",
    as: "user",
    path: "/files",
    open: (page, fixture) => page.getByRole("button", { name: `Delete ${fixture.fileName}` }).click(),
  },
  {
    name: "user menu",
    as: "user",
    path: "/",
    open: (page, fixture) => page.getByRole("button", { name: fixture.user.email }).click(),
  },
]

const MODES = [
  { name: "light desktop", colorScheme: "light", viewport: { width: 1280, height: 800 } },
  { name: "dark desktop", colorScheme: "dark", viewport: { width: 1280, height: 800 } },
  { name: "light phone", colorScheme: "light", viewport: { width: 390, height: 844 } },
  { name: "dark phone", colorScheme: "dark", viewport: { width: 390, height: 844 } },
] as const

async function uploadThroughApi(request: APIRequestContext, origin: string, name: string) {
  const data = Buffer.from("accessibility check\n")
  const granted = await request.post("/api/uploads", {
    data: { name, size: data.length, type: "application/zip" },
    headers: { origin },
  })
  expect(granted.status(), await granted.text()).toBe(201)
  const { upload } = await granted.json()
  expect((await request.put(upload.url, { data, headers: upload.headers })).status()).toBe(200)
  expect((await request.post(`/api/uploads/${upload.id}/complete`, { data: {}, headers: { origin } })).status()).toBe(
    201,
  )
}

let fixture: Fixture

test.beforeAll(async ({ playwright, baseURL }) => {
  const origin = new URL(baseURL ?? "").origin
  // Its own address: a beforeAll re-run after a failed test must not hit the sign-up rate limit.
  const request = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { "x-forwarded-for": `10.250.${randomBytes(1)[0]}.${(randomBytes(1)[0] ?? 0) | 1}` },
  })
  const { credentials: user } = await registerAccount(request)
  expect((await signInWithApi(request, user)).status()).toBe(200)
  const fileName = `quarterly-report-with-a-rather-long-name-${randomBytes(3).toString("hex")}.zip`
  await uploadThroughApi(request, origin, fileName)
  const created = await request.post("/api/upload-requests", { data: { title: "Holiday photos" }, headers: { origin } })
  expect(created.status()).toBe(201)
  const { uploadRequest } = (await created.json()) as { uploadRequest: { id: string; url: string } }
  recordLinkToken(uploadRequest.url)
  const share = await request.post(`/api/files/${await firstFileId(request)}/shares`, { data: {}, headers: { origin } })
  expect(share.status(), await share.text()).toBe(201)
  const shareUrl: string = (await share.json()).share?.url ?? ""
  recordLinkToken(shareUrl)
  const { credentials: admin } = await registerAccount(request)
  await sql(`UPDATE "User" SET role = 'ADMIN' WHERE email = $1`, [admin.email])
  await request.dispose()
  fixture = {
    user,
    admin,
    fileName,
    requestId: uploadRequest.id,
    requestUrl: new URL(uploadRequest.url).pathname,
    sharePath: new URL(shareUrl).pathname,
  }
})

async function firstFileId(request: APIRequestContext): Promise<string> {
  const response = await request.get("/api/files")
  const { files } = (await response.json()) as { files: { id: string }[] }
  const [file] = files
  if (!file) throw new Error("the fixture's file is missing")
  return file.id
}

async function openAs(
  browser: Browser,
  as: Visitor,
  mode: (typeof MODES)[number] | { colorScheme: "light"; viewport: { width: number; height: number } },
) {
  const context = await browser.newContext({
    colorScheme: mode.colorScheme,
    viewport: mode.viewport,
    extraHTTPHeaders: { "x-forwarded-for": `10.251.${randomBytes(1)[0]}.${(randomBytes(1)[0] ?? 0) | 1}` },
  })
  const page = await context.newPage()
  if (as !== "anonymous") {
    const response = await signInWithApi(page.request, as === "admin" ? fixture.admin : fixture.user)
    expect(response.status()).toBe(200)
  }
  return { context, page }
}

/** Serious and critical violations only, each as one readable line (rule, impact, first nodes). */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze()
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(" "))
          .join(" | ")}`,
    )
}

const resolve = (path: string | ((fixture: Fixture) => string)) => (typeof path === "function" ? path(fixture) : path)

for (const mode of MODES) {
  test(`axe finds no serious or critical violation on any page (${mode.name})`, async ({ browser }) => {
    test.setTimeout(300_000)
    const failures: string[] = []
    for (const visitor of ["anonymous", "user", "admin"] as const) {
      const { context, page } = await openAs(browser, visitor, mode)
      for (const entry of PAGES.filter((candidate) => candidate.as === visitor)) {
        await page.goto(resolve(entry.path))
        await entry.ready?.(page)
        for (const line of await seriousViolations(page)) failures.push(`${entry.name}: ${line}`)
      }
      await context.close()
    }
    expect(failures).toEqual([])
  })

  test(`axe finds no serious or critical violation in any dialog (${mode.name})`, async ({ browser }) => {
    test.setTimeout(180_000)
    const failures: string[] = []
    for (const dialog of DIALOGS) {
      const { context, page } = await openAs(browser, dialog.as, mode)
      await page.goto(dialog.path)
      await dialog.open(page, fixture)
      await expect(page.locator("dialog[open], header [aria-expanded=true] + div").first()).toBeVisible()
      for (const line of await seriousViolations(page)) failures.push(`${dialog.name}: ${line}`)
      await context.close()
    }
    expect(failures).toEqual([])
  })
}

test("no page scrolls sideways at 360 px", async ({ browser }) => {
  test.setTimeout(180_000)
  const overflowing: string[] = []
  for (const visitor of ["anonymous", "user", "admin"] as const) {
    const { context, page } = await openAs(browser, visitor, {
      colorScheme: "light",
      viewport: { width: 360, height: 780 },
    })
    for (const entry of PAGES.filter((candidate) => candidate.as === visitor)) {
      await page.goto(resolve(entry.path))
      await entry.ready?.(page)
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      if (width > 360) overflowing.push(`${entry.name}: ${width} px wide`)
    }
    await context.close()
  }
  expect(overflowing).toEqual([])
})
