import { randomBytes } from "node:crypto"
import type { APIRequestContext } from "@playwright/test"
import { sql } from "./support/db"
import { expect, registerAccount, signInWithApi, test } from "./support/fixtures"

/** Uploads bytes through the API's own valet-key flow (grant → PUT to storage → complete); the file's id. */
async function uploadThroughApi(
  request: APIRequestContext,
  origin: string,
  name: string,
  data: Uint8Array,
): Promise<string> {
  const granted = await request.post("/api/uploads", {
    data: { name, size: data.length, type: "text/plain" },
    headers: { origin },
  })
  expect(granted.status(), await granted.text()).toBe(201)
  const { upload } = await granted.json()
  expect((await request.put(upload.url, { data: Buffer.from(data), headers: upload.headers })).status()).toBe(200)
  const completed = await request.post(`/api/uploads/${upload.id}/complete`, { data: {}, headers: { origin } })
  expect(completed.status()).toBe(201)
  return (await completed.json()).file.id
}

test("an admin finds a user's link in the console and revokes it; the recipient is refused; the audit log shows the upload by file name and the revocation", async ({
  page,
  browser,
  baseURL,
  clientIp,
}) => {
  const origin = new URL(baseURL ?? "").origin
  const headers = { "x-forwarded-for": clientIp }

  // The owner works in a browser context of their own.
  const ownerContext = await browser.newContext({ baseURL: origin, extraHTTPHeaders: headers })
  const { credentials: ownerCredentials, user: owner } = await registerAccount(ownerContext.request)
  expect((await signInWithApi(ownerContext.request, ownerCredentials)).status()).toBe(200)
  const fileName = `contract-${randomBytes(4).toString("hex")}.txt`
  const fileId = await uploadThroughApi(ownerContext.request, origin, fileName, new Uint8Array(randomBytes(2048)))
  const created = await ownerContext.request.post(`/api/files/${fileId}/shares`, { data: {}, headers: { origin } })
  expect(created.status()).toBe(201)
  const link: string = (await created.json()).share.url

  // The recipient: no session at all. The link works before the revocation.
  const recipient = await browser.newContext({ extraHTTPHeaders: headers })
  expect((await recipient.request.get(`${link}/download`, { maxRedirects: 0 })).status()).toBe(302)

  // The e2e database is shared by every spec, so "first account is admin" cannot be relied on here.
  const { credentials: adminCredentials } = await registerAccount(page.request)
  await sql(`UPDATE "User" SET role = 'ADMIN' WHERE email = $1`, [adminCredentials.email])
  expect((await signInWithApi(page.request, adminCredentials)).status()).toBe(200)

  await page.goto("/admin")
  await expect(page.getByRole("heading", { name: "Admin", level: 1 })).toBeVisible()
  await page.getByRole("link", { name: "Shares", exact: true }).click()
  await page.getByLabel("File name").fill(fileName)
  await page.getByRole("button", { name: "Apply" }).click()
  await expect(page).toHaveURL(new RegExp(`/admin/shares\\?.*q=${fileName}`))
  const row = page.getByRole("row").filter({ hasText: fileName })
  await expect(row).toHaveCount(1)
  await expect(row).toContainText(owner.email)
  await expect(row).toContainText("Active")

  await row.getByRole("button", { name: `Revoke the link to ${fileName} by ${owner.email}` }).click()
  await page.getByRole("dialog").getByRole("button", { name: "Revoke link" }).click()
  await expect(page.getByRole("dialog")).toBeHidden()
  await expect(row).toContainText("Revoked")

  // The recipient's very next download is refused, and the page says why.
  const refused = await recipient.request.get(`${link}/download`, { maxRedirects: 0 })
  expect(refused.status()).toBe(410)
  expect((await refused.json()).error.code).toBe("share_revoked")
  const visitor = await recipient.newPage()
  expect((await visitor.goto(link))?.status()).toBe(410)

  // The audit log: the owner's upload key, by file name (not the storage key), with its expiry…
  await page.getByRole("link", { name: "Audit log", exact: true }).click()
  await page.getByLabel("User (email or id)").fill(owner.email)
  await page.getByLabel("Action", { exact: true }).selectOption("upload")
  await page.getByRole("button", { name: "Apply" }).click()
  const uploadRow = page.getByRole("row").filter({ hasText: "upload.put" })
  await expect(uploadRow).toHaveCount(1)
  await expect(uploadRow).toContainText(fileName)
  await expect(uploadRow).not.toContainText(`u/${owner.id}/`)
  await expect(uploadRow).toContainText(owner.email)
  await expect(uploadRow).toContainText("Key valid until")
  expect(await page.content()).not.toMatch(/X-Amz-Signature|X-Amz-Credential/)

  // …and the revocation, by the admin, naming the link and its owner.
  await page.getByLabel("User (email or id)").fill(adminCredentials.email)
  await page.getByLabel("Action", { exact: true }).selectOption("share.revoke")
  await page.getByRole("button", { name: "Apply" }).click()
  const revokeRow = page.getByRole("row").filter({ hasText: "share.revoke" })
  await expect(revokeRow).toHaveCount(1)
  await expect(revokeRow).toContainText(adminCredentials.email)
  await expect(revokeRow).toContainText(`ownerId: ${owner.id}`)

  // The CSV export carries the same filters.
  const csvHref = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href")
  const csv = await page.request.get(csvHref ?? "")
  expect(csv.status()).toBe(200)
  const lines = (await csv.text()).trimEnd().split("\r\n")
  expect(lines).toHaveLength(2)
  expect(lines[1]).toContain(`,share.revoke,${adminCredentials.email},`)

  await ownerContext.close()
  await recipient.close()
})

test("the console is a 404 page for a signed-in user and its API a 403", async ({ page }) => {
  const { credentials } = await registerAccount(page.request)
  // Whoever signs up first on this shared database is an admin; this account must be a plain user.
  await sql(`UPDATE "User" SET role = 'USER' WHERE email = $1`, [credentials.email])
  expect((await signInWithApi(page.request, credentials)).status()).toBe(200)
  for (const path of ["/admin", "/admin/users", "/admin/shares", "/admin/files", "/admin/audit"]) {
    expect((await page.goto(path))?.status()).toBe(404)
  }
  expect((await page.request.get("/api/admin/users")).status()).toBe(403)
  expect((await page.request.get("/api/admin/audit?format=csv")).status()).toBe(403)
})
