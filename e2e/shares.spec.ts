import { createHash, randomBytes } from "node:crypto"
import { readFile } from "node:fs/promises"
import type { APIRequestContext, Page } from "@playwright/test"
import { expect, registerAccount, signInWithApi, test } from "./support/fixtures"
import { recordLinkToken, recordSecret } from "./support/secrets"

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex")

/** Uploads bytes through the API's own valet-key flow (grant → PUT to storage → complete). */
async function uploadThroughApi(request: APIRequestContext, origin: string, name: string, data: Uint8Array) {
  const granted = await request.post("/api/uploads", {
    data: { name, size: data.length, type: "application/pdf" },
    headers: { origin },
  })
  expect(granted.status(), await granted.text()).toBe(201)
  const { upload } = await granted.json()
  // The grant names its storage: S3 answers a PUT 200, Azure's Put Blob 201.
  const stored = upload.storage === "azure" ? 201 : 200
  expect((await request.put(upload.url, { data: Buffer.from(data), headers: upload.headers })).status()).toBe(stored)
  const completed = await request.post(`/api/uploads/${upload.id}/complete`, { data: {}, headers: { origin } })
  expect(completed.status()).toBe(201)
}

/** Fills the share dialog and returns the link it shows (once). */
async function createLink(page: Page, options: { limit?: string; password?: string } = {}) {
  const dialog = page.getByRole("dialog")
  if (options.limit) await dialog.getByLabel("Download limit").fill(options.limit)
  recordSecret(options.password)
  if (options.password) await dialog.getByLabel("Password").fill(options.password)
  await dialog.getByRole("button", { name: "Create link" }).click()
  const link = await dialog.getByRole("textbox", { name: "Share link" }).inputValue()
  expect(link).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/)
  recordLinkToken(link)
  await expect(dialog.getByRole("img", { name: "QR code of the share link" })).toBeVisible()
  return link
}

test("owner shares with a password and a limit of 1; a stranger downloads once; a revoked link says so", async ({
  page,
  browser,
  baseURL,
  clientIp,
}) => {
  const origin = new URL(baseURL ?? "").origin
  const { credentials } = await registerAccount(page.request)
  expect((await signInWithApi(page.request, credentials)).status()).toBe(200)
  const data = new Uint8Array(randomBytes(150 * 1024))
  await uploadThroughApi(page.request, origin, "plans (final).pdf", data)

  await page.goto("/files")
  await page.getByRole("button", { name: "Share plans (final).pdf" }).click()
  const limited = await createLink(page, { limit: "1", password: "tangerine-42" })
  await page.getByRole("button", { name: "Create another link" }).click()
  const revocable = await createLink(page)
  expect(revocable).not.toBe(limited)

  // A recipient: a fresh browser context, no session.
  const recipient = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": clientIp } })
  const visitor = await recipient.newPage()
  const shareResponse = await visitor.goto(limited)
  expect(shareResponse?.status()).toBe(200)
  await expect(visitor.getByRole("heading", { name: "Password protected" })).toBeVisible()
  await expect(visitor.getByText("plans (final).pdf")).toHaveCount(0)

  await visitor.getByLabel("Password").fill("not-the-password")
  await visitor.getByRole("button", { name: "Open" }).click()
  await expect(visitor.getByText("That password is not right.")).toBeVisible()
  // The right password unlocks the page at its clean URL: no stale error, the real count (issue 19).
  await visitor.getByLabel("Password").fill("tangerine-42")
  await visitor.getByRole("button", { name: "Open" }).click()
  await expect(visitor.getByRole("heading", { name: "plans (final).pdf" })).toBeVisible()
  await expect(visitor.getByText("That password is not right.")).toHaveCount(0)
  await expect(visitor.getByTestId("downloads-left")).toHaveText("1")

  const storageReferers: (string | undefined)[] = []
  visitor.on("request", (request) => {
    if (!request.url().startsWith(origin)) storageReferers.push(request.headers()["referer"])
  })
  const downloadStarted = visitor.waitForEvent("download")
  await visitor.getByRole("button", { name: "Download plans (final).pdf" }).click()
  const download = await downloadStarted
  await expect(visitor.getByTestId("downloads-left")).toHaveText("0")
  expect(download.suggestedFilename()).toBe("plans (final).pdf")
  expect(sha256(await readFile(await download.path()))).toBe(sha256(data))
  // The share page's URL (with its token) never reaches storage as a Referer.
  expect(storageReferers.length).toBeGreaterThan(0)
  expect(storageReferers.every((referer) => referer === undefined)).toBe(true)

  const second = await visitor.goto(limited)
  expect(second?.status()).toBe(410)
  await expect(visitor.getByRole("heading", { name: "This link is used up" })).toBeVisible()
  await expect(visitor.getByText("plans (final).pdf")).toHaveCount(0)

  // The owner reopens the file's links (the list is read when the dialog opens) and revokes the other one.
  await page.reload()
  await page.getByRole("button", { name: "Share plans (final).pdf" }).click()
  const dialog = page.getByRole("dialog")
  await expect(dialog.getByRole("row").filter({ hasText: "Used up" })).toContainText("1 / 1")
  const activeRow = dialog.getByRole("row").filter({ hasText: "Active" })
  await expect(activeRow).toHaveCount(1)
  await activeRow.getByRole("button", { name: "Revoke" }).click()
  await page.getByRole("button", { name: "Revoke link" }).click()
  await expect(dialog.getByRole("row").filter({ hasText: "Revoked" })).toHaveCount(1)

  const revoked = await visitor.goto(revocable)
  expect(revoked?.status()).toBe(410)
  await expect(visitor.getByRole("heading", { name: "This link was revoked" })).toBeVisible()

  const unknown = await visitor.goto(`/s/${randomBytes(32).toString("base64url")}`)
  expect(unknown?.status()).toBe(404)
  await expect(visitor.getByRole("heading", { name: "This link does not exist" })).toBeVisible()
  await recipient.close()

  await page.goto("/shares")
  const table = page.getByRole("table", { name: "Share links, newest first" })
  await expect(table.getByRole("row").filter({ hasText: "Used up" })).toContainText("1 / 1")
  await expect(table.getByRole("row").filter({ hasText: "Revoked" })).toContainText("plans (final).pdf")
})

test("deleting a file asks first, then its links answer 410", async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? "").origin
  const { credentials } = await registerAccount(page.request)
  expect((await signInWithApi(page.request, credentials)).status()).toBe(200)
  await uploadThroughApi(page.request, origin, "short-lived.pdf", new Uint8Array(randomBytes(1024)))

  await page.goto("/files")
  await page.getByRole("button", { name: "Share short-lived.pdf" }).click()
  const link = await createLink(page)
  await page.getByRole("dialog").getByRole("button", { name: "Close" }).click()
  const row = page
    .getByRole("table", { name: "Your files, newest first" })
    .getByRole("row")
    .filter({ hasText: "short-lived.pdf" })
  // Columns: select, name, size, type, uploaded, active links.
  await expect(row.getByRole("cell").nth(5)).toHaveText("1")

  await page.getByRole("button", { name: "Delete short-lived.pdf" }).click()
  await page.getByRole("button", { name: "Delete file" }).click()
  await expect(page.getByText("No files yet")).toBeVisible()

  const gone = await page.goto(link)
  expect(gone?.status()).toBe(410)
  await expect(page.getByRole("heading", { name: "This link was revoked" })).toBeVisible()
})

test("share routes: no session → 401, another user's file → 404", async ({ playwright, baseURL }) => {
  const origin = new URL(baseURL ?? "").origin
  const owner = await playwright.request.newContext({ baseURL })
  const stranger = await playwright.request.newContext({ baseURL })
  const anonymous = await playwright.request.newContext({ baseURL })
  await signInWithApi(owner, (await registerAccount(owner)).credentials)
  await signInWithApi(stranger, (await registerAccount(stranger)).credentials)
  await uploadThroughApi(owner, origin, "mine.pdf", new Uint8Array(randomBytes(100)))
  const { files } = await (await owner.get("/api/files")).json()
  const fileId = files[0].id as string

  expect((await anonymous.post(`/api/files/${fileId}/shares`, { data: {}, headers: { origin } })).status()).toBe(401)
  expect((await anonymous.get("/api/shares")).status()).toBe(401)
  expect((await stranger.post(`/api/files/${fileId}/shares`, { data: {}, headers: { origin } })).status()).toBe(404)
  const created = await owner.post(`/api/files/${fileId}/shares`, { data: { maxDownloads: 2 }, headers: { origin } })
  expect(created.status()).toBe(201)
  const { share } = await created.json()
  expect((await stranger.delete(`/api/shares/${share.id}`, { headers: { origin } })).status()).toBe(404)
  expect((await stranger.delete(`/api/files/${fileId}`, { headers: { origin } })).status()).toBe(404)

  // The link itself works without any session, and the redirect is marked private.
  const redirect = await anonymous.get(new URL(share.url).pathname + "/download", { maxRedirects: 0 })
  expect(redirect.status()).toBe(302)
  expect(redirect.headers()["cache-control"]).toBe("no-store")
  expect(redirect.headers()["referrer-policy"]).toBe("no-referrer")
  for (const context of [owner, stranger, anonymous]) await context.dispose()
})
