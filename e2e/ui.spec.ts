import { randomBytes } from "node:crypto"
import { readFileSync } from "node:fs"
import type { APIRequestContext, Page } from "@playwright/test"
import { sql } from "./support/db"
import { expect, registerAccount, signInWithApi, test } from "./support/fixtures"
import { recordLinkToken, recordSecret } from "./support/secrets"

/** What a new user tripped over (issue 19), each as a check that fails if it comes back. */

async function upload(request: APIRequestContext, origin: string, name: string, type: string) {
  const data = Buffer.from(randomBytes(1536))
  const granted = await request.post("/api/uploads", { data: { name, size: data.length, type }, headers: { origin } })
  expect(granted.status(), await granted.text()).toBe(201)
  const { upload: grant } = await granted.json()
  expect((await request.put(grant.url, { data, headers: grant.headers })).status()).toBe(200)
  const completed = await request.post(`/api/uploads/${grant.id}/complete`, { data: {}, headers: { origin } })
  expect(completed.status()).toBe(201)
  return (await completed.json()).file.id as string
}

async function signedIn(page: Page) {
  const { credentials, user } = await registerAccount(page.request)
  expect((await signInWithApi(page.request, credentials)).status()).toBe(200)
  return { credentials, user }
}

const LONG_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

test("at 1280 px a row with a long type and 'Received through …' keeps Delete on screen, and kinds replace MIME types", async ({
  page,
  baseURL,
}) => {
  const { user } = await signedIn(page)
  const origin = new URL(baseURL ?? "").origin
  const name = `a-very-long-presentation-name-for-the-quarterly-board-meeting-${randomBytes(3).toString("hex")}.pptx`
  const fileId = await upload(page.request, origin, name, LONG_TYPE)
  // As if it came through an upload request with a long title.
  const request = await page.request.post("/api/upload-requests", {
    data: { title: "Slides from every regional office for the annual review" },
    headers: { origin },
  })
  const { uploadRequest } = await request.json()
  recordLinkToken(uploadRequest.url)
  await sql(
    `UPDATE "Upload" SET "uploadRequestId" = $1 WHERE id = (SELECT "uploadId" FROM "File" WHERE id = $2 AND "ownerId" = $3)`,
    [uploadRequest.id, fileId, user.id],
  )
  await upload(page.request, origin, "backup.zip", "application/octet-stream")

  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto("/files")
  const row = page.getByRole("row").filter({ hasText: "Received through" })
  const remove = row.getByRole("button", { name: `Delete ${name}` })
  // The row may sit below the fold (banner, uploader, search); what matters is that Delete is not pushed off sideways.
  await remove.scrollIntoViewIfNeeded()
  await expect(remove).toBeInViewport({ ratio: 1 })
  const table = page.getByRole("region", { name: "Your files, newest first" })
  expect(await table.evaluate((element) => element.scrollWidth - element.clientWidth)).toBe(0)
  await expect(row).toContainText("Presentation")
  await expect(page.getByRole("row").filter({ hasText: "backup.zip" })).toContainText("Archive")
  await expect(page.locator("main")).not.toContainText("application/")
})

test("on a 390 px phone /files does not scroll sideways, row actions are reachable, the header does not run together", async ({
  page,
  baseURL,
}) => {
  await signedIn(page)
  const name = `holiday-photos-${randomBytes(3).toString("hex")}.zip`
  await upload(page.request, new URL(baseURL ?? "").origin, name, "application/zip")
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto("/files")
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
  // The card may sit below the fold (the email-verification banner takes a row): scroll to it,
  // then every action must be wholly on screen, none cut off at the side.
  await page.getByRole("link", { name: `Download ${name}` }).scrollIntoViewIfNeeded()
  for (const action of ["Download", "Share", "Delete"]) {
    await expect(
      page.getByRole(action === "Download" ? "link" : "button", { name: `${action} ${name}` }),
    ).toBeInViewport({ ratio: 1 })
  }
  const logo = await page.getByRole("link", { name: "Valet home" }).boundingBox()
  const firstLink = await page.getByRole("navigation", { name: "Main" }).getByRole("link").first().boundingBox()
  expect(logo && firstLink).toBeTruthy()
  if (logo && firstLink) {
    const apart = firstLink.y >= logo.y + logo.height || firstLink.x >= logo.x + logo.width + 8
    expect(apart, "logo and first link overlap or touch").toBe(true)
  }
})

test("on a 390 px phone the share dialog's links are stacked cards: nothing scrolls sideways, Expires and every action on screen", async ({
  page,
  baseURL,
}) => {
  await signedIn(page)
  const origin = new URL(baseURL ?? "").origin
  const name = `contract-${randomBytes(3).toString("hex")}.pdf`
  const fileId = await upload(page.request, origin, name, "application/pdf")
  // The widest row there is: a password, a download limit and an expiry with a time.
  const created = await page.request.post(`/api/files/${fileId}/shares`, {
    data: { expiresIn: 7 * 24 * 3600, maxDownloads: 10, password: "correct horse" },
    headers: { origin },
  })
  expect(created.status(), await created.text()).toBe(201)
  recordLinkToken((await created.json()).share.url)
  recordSecret("correct horse")

  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto("/files")
  await page.getByRole("button", { name: `Share ${name}` }).click()
  const dialog = page.getByRole("dialog")
  const links = dialog.getByRole("region", { name: "Links to this file" })
  await expect(links.getByText("Active").filter({ visible: true })).toBeVisible()
  // Nothing inside the dialog is a sideways-scrolling box (today's table region was 200 px too wide).
  const scrollers = await dialog.evaluate((element) =>
    [element, ...element.querySelectorAll("*")]
      .filter((node) => node.scrollWidth > node.clientWidth + 1 && getComputedStyle(node).overflowX !== "visible")
      .map((node) => `${node.tagName.toLowerCase()}: ${node.scrollWidth} > ${node.clientWidth}`),
  )
  expect(scrollers).toEqual([])
  const expires = links.getByText("Expires", { exact: true }).filter({ visible: true })
  await expires.scrollIntoViewIfNeeded()
  await expect(expires).toBeInViewport({ ratio: 1 })
  for (const action of ["Copy link", "Details", "Revoke"]) {
    const button = links.getByRole("button", { name: action })
    await button.scrollIntoViewIfNeeded()
    await expect(button).toBeInViewport({ ratio: 1 })
  }
})

test("the uploader says the API's refusals in the reader's language, one file or a batch, not the server's English", async ({
  page,
  baseURL,
}) => {
  const { user } = await signedIn(page)
  await sql(`UPDATE "User" SET "quotaBytes" = 1000 WHERE id = $1`, [user.id])
  await page.context().addCookies([{ name: "NEXT_LOCALE", value: "de", url: baseURL ?? "" }])
  const german = (JSON.parse(readFileSync("messages/de.json", "utf8")) as { errors: { quota_exceeded: string } }).errors
    .quota_exceeded
  const file = (name: string) => ({ name, mimeType: "text/plain", buffer: randomBytes(4096) })
  const cookies = await page.context().cookies()
  // A fresh context each time: Uppy keeps a failed upload across reloads (Golden Retriever).
  for (const names of [["one.txt"], ["two.txt", "three.txt"]]) {
    const context = await page.context().browser()?.newContext()
    if (!context) throw new Error("no browser")
    await context.addCookies(cookies)
    const tab = await context.newPage()
    await tab.goto(`${baseURL}/files`)
    // One file is granted on its own (POST /api/uploads answers 403); several in one call, where
    // each refusal is an item of the answer.
    await tab.locator("input.uppy-Dashboard-input").first().setInputFiles(names.map(file))
    await tab.locator(".uppy-StatusBar-actionBtn--upload").click()
    const dashboard = tab.locator(".uppy-Dashboard").first()
    // Uppy names each failed file's "?" button after its error.
    await expect(dashboard.getByRole("button", { name: german, exact: true })).toHaveCount(names.length, {
      timeout: 30_000,
    })
    expect(await dashboard.innerHTML()).not.toMatch(/This upload needs|storage quota/)
    await context.close()
  }
})

test("the main nav links Files, Links and Requests, not the health JSON; signed-in home leads with sending files", async ({
  page,
}) => {
  await signedIn(page)
  await page.goto("/")
  const nav = page.getByRole("navigation", { name: "Main" })
  await expect(nav.getByRole("link")).toHaveText(["Files", "Links", "Requests"])
  await expect(page.locator('a[href="/api/health"]')).toHaveCount(0)
  await expect(page.locator("main a").first()).toHaveText("Send files")
  await expect(page.getByRole("heading", { name: "How it works" })).toHaveCount(0)
})

test("an administrator is told so on the home page and in the account menu; a plain user is not", async ({ page }) => {
  const { credentials } = await registerAccount(page.request)
  await sql(`UPDATE "User" SET role = 'ADMIN' WHERE email = $1`, [credentials.email])
  expect((await signInWithApi(page.request, credentials)).status()).toBe(200)
  await page.goto("/")
  await expect(page.getByRole("heading", { name: "You are this Valet's administrator" })).toBeVisible()
  await page.getByRole("button", { name: credentials.email }).click()
  await expect(page.getByText("Administrator", { exact: true })).toBeVisible()

  const other = await page.context().browser()?.newContext()
  const plain = await other?.newPage()
  if (!other || !plain) throw new Error("no second context")
  const { credentials: userCredentials } = await registerAccount(plain.request)
  expect((await signInWithApi(plain.request, userCredentials)).status()).toBe(200)
  await plain.goto("/")
  await expect(plain.getByRole("heading", { name: "You are this Valet's administrator" })).toHaveCount(0)
  await other.close()
})

test("the upload-request form is empty again after a link is created, password included", async ({ page }) => {
  await signedIn(page)
  await page.goto("/requests")
  await page.getByLabel("Title").fill("Tax documents")
  await page.getByLabel("Password (optional)").fill("s3cret-pass")
  recordSecret("s3cret-pass")
  await page.getByRole("button", { name: "Create link" }).click()
  recordLinkToken(await page.getByLabel("New upload link").inputValue())
  await expect(page.getByLabel("Title")).toHaveValue("")
  await expect(page.getByLabel("Password (optional)")).toHaveValue("")
  // Defined colours: a brand border, not the near-black of an undefined variable.
  const border = await page
    .getByRole("status")
    .filter({ hasText: "Tax documents" })
    .evaluate((element) => getComputedStyle(element).borderTopColor)
  expect(border).not.toMatch(/^rgba?\(0, 0, 0/)
})

test("a right upload-request password leaves no error in the browser console", async ({ page, baseURL, browser }) => {
  await signedIn(page)
  recordSecret("s3cret-pass")
  const created = await page.request.post("/api/upload-requests", {
    data: { title: "Contracts", password: "s3cret-pass" },
    headers: { origin: new URL(baseURL ?? "").origin },
  })
  const { uploadRequest } = await created.json()
  recordLinkToken(uploadRequest.url)
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": `10.252.${randomBytes(1)[0]}.9` } })
  const sender = await context.newPage()
  const errors: string[] = []
  sender.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text())
  })
  await sender.goto(uploadRequest.url)
  await sender.getByLabel("Password").fill("s3cret-pass")
  await sender.getByRole("button", { name: "Continue" }).click()
  await expect(sender.locator(".uppy-Dashboard")).toBeVisible()
  expect(errors).toEqual([])
  await context.close()
})

test("the uploader speaks binary units, uses the brand colour and starts compact", async ({ page }, testInfo) => {
  await signedIn(page)
  await page.goto("/files")
  const dashboard = page.locator(".uppy-Dashboard-inner")
  await expect(dashboard).toBeVisible()
  expect((await dashboard.boundingBox())?.height ?? 999).toBeLessThan(260)
  const path = testInfo.outputPath("notes.bin")
  await (await import("node:fs/promises")).writeFile(path, randomBytes(100_352))
  await page.locator(".uppy-Dashboard-input").first().setInputFiles(path)
  await expect(page.locator(".uppy-Dashboard-Item-statusSize")).toHaveText("98 KiB")
  const button = page.locator(".uppy-StatusBar-actionBtn--upload")
  const colour = await button.evaluate((element) => getComputedStyle(element).backgroundColor)
  expect(colour).not.toBe("rgb(27, 178, 64)")
  await expect(page.locator(".uppy-Dashboard-inner")).toHaveCSS("height", /^(3[0-9]{2}|4[0-9]{2})(\.\d+)?px$/)
})

test("public files: favicon, icons, manifest, robots.txt and Open Graph tags", async ({ page, request }) => {
  for (const path of [
    "/favicon.ico",
    "/icon.svg",
    "/apple-icon.png",
    "/og.png",
    "/manifest.webmanifest",
    "/robots.txt",
  ]) {
    expect((await request.get(path)).status(), path).toBe(200)
  }
  await page.goto("/")
  await expect(page.locator('meta[property="og:title"]')).toHaveAttribute("content", "Valet")
  await expect(page.locator('meta[property="og:image"]')).toHaveAttribute("content", /^https?:\/\/.+\/og\.png$/)
  await expect(page.locator('link[rel="manifest"]')).toHaveCount(1)
})

test("the language follows Accept-Language, the switcher remembers a choice, Arabic is right-to-left", async ({
  browser,
}) => {
  const context = await browser.newContext({
    locale: "de-DE",
    extraHTTPHeaders: { "accept-language": "de-DE,de;q=0.9,en;q=0.5" },
  })
  const page = await context.newPage()
  await page.goto("/")
  await expect(page.locator("html")).toHaveAttribute("lang", "de")
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Dateien teilen ohne Mittelsmann.")
  await page.getByLabel("Sprache").selectOption("ar")
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl")
  await page.reload()
  await expect(page.locator("html")).toHaveAttribute("lang", "ar")
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl")
  // Mirrored: the logo sits at the right edge, the sign-in link at the left.
  const logo = await page.getByRole("link", { name: "الصفحة الرئيسية لـ Valet" }).boundingBox()
  const signIn = await page.getByRole("banner").getByRole("link", { name: "تسجيل الدخول" }).boundingBox()
  expect(logo && signIn && logo.x > signIn.x).toBe(true)
  await context.close()
})

test("the audit log records sign-ins (ok and failed) and the creation of links, tokens and upload requests, by name", async ({
  page,
  baseURL,
}) => {
  const origin = new URL(baseURL ?? "").origin
  const { credentials } = await registerAccount(page.request)
  await sql(`UPDATE "User" SET role = 'ADMIN' WHERE email = $1`, [credentials.email])
  expect(
    (await signInWithApi(page.request, { ...credentials, password: `${credentials.password}-wrong` })).status(),
  ).not.toBe(200)
  expect((await signInWithApi(page.request, credentials)).status()).toBe(200)
  const name = `minutes-${randomBytes(3).toString("hex")}.pdf`
  const fileId = await upload(page.request, origin, name, "application/pdf")
  const share = await page.request.post(`/api/files/${fileId}/shares`, { data: {}, headers: { origin } })
  recordLinkToken((await share.json()).share.url)
  const token = await page.request.post("/api/tokens", { data: { name: "ci-deploy" }, headers: { origin } })
  recordSecret((await token.json()).token?.secret)
  const request = await page.request.post("/api/upload-requests", { data: { title: "Receipts" }, headers: { origin } })
  recordLinkToken((await request.json()).uploadRequest.url)

  await page.goto(`/admin/audit?user=${encodeURIComponent(credentials.email)}`)
  for (const [action, text] of [
    ["share.create", name],
    ["token.create", "ci-deploy"],
    ["upload_request.create", "Receipts"],
    ["auth.sign_in", credentials.email],
  ] as const) {
    await expect(page.getByRole("row").filter({ hasText: action }).first(), action).toContainText(text)
  }
  await page.goto(`/admin/audit?action=auth.sign_in_failed`)
  await expect(page.getByRole("row").filter({ hasText: credentials.email }).first()).toContainText("Sign-in failed")
})
