import { createHash, randomBytes } from "node:crypto"
import { readFile, writeFile } from "node:fs/promises"
import type { APIResponse, Page, Response } from "@playwright/test"
import { watchCspViolations } from "./support/csp"
import { expect, newCredentials, registerAccount, signInWithApi, test } from "./support/fixtures"
import { recordLinkToken, recordSecret } from "./support/secrets"

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex")
const ONE_PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

/** The CSP as a map of directive → its sources. */
function cspDirectives(policy: string | undefined): Map<string, string[]> {
  return new Map(
    (policy ?? "").split(";").map((part) => {
      const [name = "", ...sources] = part.trim().split(/\s+/)
      return [name, sources] as const
    }),
  )
}

function expectPageHeaders(
  response: Response | APIResponse | null,
  referrerPolicy = "strict-origin-when-cross-origin",
) {
  const headers = response?.headers() ?? {}
  expect(headers["x-content-type-options"]).toBe("nosniff")
  expect(headers["x-frame-options"]).toBe("DENY")
  expect(headers["referrer-policy"]).toBe(referrerPolicy)
  // The run serves http://localhost: HSTS would pin the host to https for every app on it.
  expect(headers["strict-transport-security"]).toBeUndefined()
  const csp = cspDirectives(headers["content-security-policy"])
  const scriptSources = csp.get("script-src") ?? []
  expect(scriptSources).toContain("'strict-dynamic'")
  expect(scriptSources.some((source) => /^'nonce-[A-Za-z0-9+/=]{16,}'$/.test(source))).toBe(true)
  expect(headers["content-security-policy"]).not.toMatch(/unsafe-inline|unsafe-eval/)
  expect(csp.get("frame-ancestors")).toEqual(["'none'"])
  expect(csp.get("object-src")).toEqual(["'none'"])
  expect(csp.get("base-uri")).toEqual(["'none'"])
  expect(csp.get("form-action")?.[0]).toBe("'self'")
  return csp
}

test("pages, share pages and JSON answers carry the security headers; every page gets its own nonce", async ({
  request,
}) => {
  const first = expectPageHeaders(await request.get("/"))
  const second = expectPageHeaders(await request.get("/"))
  expect(first.get("script-src")).not.toEqual(second.get("script-src"))
  expectPageHeaders(await request.get("/sign-in"))
  expectPageHeaders(await request.get("/files", { maxRedirects: 0 }))
  // A share or upload-request page keeps no-referrer (its URL is the key), also when unknown.
  expectPageHeaders(await request.get(`/s/${randomBytes(32).toString("base64url")}`), "no-referrer")
  expectPageHeaders(await request.get(`/r/${randomBytes(32).toString("base64url")}`), "no-referrer")

  const json = (await request.get("/api/health")).headers()
  expect(json["x-content-type-options"]).toBe("nosniff")
  expect(json["x-frame-options"]).toBe("DENY")
  expect(cspDirectives(json["content-security-policy"]).get("default-src")).toEqual(["'none'"])
})

/** The page's storage requests (anything not to the app), and the origins they went to. */
function watchStorageOrigins(page: Page, appOrigin: string) {
  const origins = new Set<string>()
  page.on("request", (request) => {
    const origin = new URL(request.url()).origin
    if (origin !== appOrigin && request.url().startsWith("http")) origins.add(origin)
  })
  return origins
}

test("sign up, upload through the Uppy dashboard, download, and open a share page: no CSP violation anywhere", async ({
  page,
  browser,
  baseURL,
  clientIp,
}, testInfo) => {
  test.setTimeout(180_000)
  const appOrigin = new URL(baseURL ?? "").origin
  // (The fixture's page already fails the test on any violation; the share page below opens in a
  // fresh context and is watched here.)
  const storageOrigins = watchStorageOrigins(page, appOrigin)

  const credentials = newCredentials("csp")
  const signUp = await page.goto("/sign-up")
  const csp = expectPageHeaders(signUp)
  await page.getByLabel("Name").fill(credentials.name)
  await page.getByLabel("Email").fill(credentials.email)
  await page.getByLabel("Password", { exact: true }).fill(credentials.password)
  await page.getByRole("button", { name: "Create account" }).click()
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Welcome, ${credentials.name}.`)

  // An image, so Uppy draws a thumbnail of it (a blob: URL: img-src must allow it).
  const file = { name: "csp-check.png", data: new Uint8Array(Buffer.from(ONE_PIXEL_PNG, "base64")) }
  const filePath = testInfo.outputPath(file.name)
  await writeFile(filePath, file.data)
  await page.goto("/files")
  await page.locator("input.uppy-Dashboard-input").first().setInputFiles([filePath])
  await expect(page.locator(".uppy-Dashboard-Item img[src^='blob:']")).toHaveCount(1)
  await page.getByRole("button", { name: "Upload 1 file" }).click()
  await expect(page.locator(".uppy-StatusBar")).toContainText("Complete", { timeout: 120_000 })
  const table = page.getByRole("table", { name: "Your files, newest first" })
  await expect(table.getByRole("cell", { name: file.name, exact: true })).toBeVisible()

  // The PUT went to storage, and the policy names exactly that origin for the browser to reach.
  expect(storageOrigins.size).toBe(1)
  const [storageOrigin = ""] = storageOrigins
  expect(csp.get("connect-src")).toContain(storageOrigin)

  const downloadStarted = page.waitForEvent("download")
  await page.getByRole("link", { name: `Download ${file.name}` }).click()
  expect(sha256(await readFile(await (await downloadStarted).path()))).toBe(sha256(file.data))

  // A password-protected share link, opened by a stranger: the password form posts to the app,
  // which redirects to storage (form-action must allow that redirect).
  await page.getByRole("button", { name: `Share ${file.name}` }).click()
  const dialog = page.getByRole("dialog")
  const password = `share-${randomBytes(6).toString("hex")}`
  recordSecret(password)
  await dialog.getByLabel("Password").fill(password)
  await dialog.getByRole("button", { name: "Create link" }).click()
  const link = await dialog.getByRole("textbox", { name: "Share link" }).inputValue()
  recordLinkToken(link)
  expect(link).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/)

  const stranger = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": clientIp } })
  const visitor = await stranger.newPage()
  const visitorViolations = watchCspViolations(visitor)
  const opened = await visitor.goto(link)
  expectPageHeaders(opened, "no-referrer")
  // The rebuilt recipient page asks for the password first, then lists the files.
  await expect(visitor.getByRole("heading", { name: "Password protected" })).toBeVisible()
  await visitor.getByLabel("Password").fill(password)
  await visitor.getByRole("button", { name: "Open" }).click()
  await expect(visitor.getByRole("heading", { name: file.name })).toBeVisible()
  const shared = visitor.waitForEvent("download")
  await visitor.getByRole("button", { name: `Download ${file.name}` }).click()
  expect(sha256(await readFile(await (await shared).path()))).toBe(sha256(file.data))
  expect(visitorViolations, "CSP violations on the share page").toEqual([])
  await stranger.close()
})

test("the checks would see a violation: a foreign image and a fetch to another origin are refused and reported", async ({
  browser,
  baseURL,
}) => {
  // Proves the watcher works (a silent watcher would pass every spec). 127.0.0.2:9 is never
  // contacted: the browser blocks both requests before they leave.
  const context = await browser.newContext({ baseURL })
  const page = await context.newPage()
  const violations = watchCspViolations(page)
  await page.goto("/")
  const fetched = await page.evaluate(async () => {
    const image = document.createElement("img")
    image.src = "http://127.0.0.2:9/pixel.png"
    document.body.append(image)
    return fetch("http://127.0.0.2:9/data").then(
      () => "fetched",
      () => "refused",
    )
  })
  expect(fetched).toBe("refused")
  await expect.poll(() => violations.join("\n")).toMatch(/img-src/)
  await expect.poll(() => violations.join("\n")).toMatch(/connect-src/)
  await context.close()
})

test("API token holders get JSON with the static headers and no page policy work", async ({ request }) => {
  const { credentials } = await registerAccount(request)
  expect((await signInWithApi(request, credentials)).status()).toBe(200)
  const files = await request.get("/api/files")
  expect(files.status()).toBe(200)
  expect(files.headers()["x-content-type-options"]).toBe("nosniff")
  expect(files.headers()["content-security-policy"]).not.toContain("nonce-")
})
