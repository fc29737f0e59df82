import { createHash, randomBytes } from "node:crypto"
import { readFile, writeFile } from "node:fs/promises"
import { sql } from "./support/db"
import { expect, keepClientAddressOffStorage, registerAccount, signInWithApi, test } from "./support/fixtures"
import { recordLinkToken, recordSecret } from "./support/secrets"

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex")

test("an outsider sends two files through an upload request; the owner gets them, and closing the link stops it", async ({
  page,
  browser,
  clientIp,
}, testInfo) => {
  test.setTimeout(120_000)
  const { credentials } = await registerAccount(page.request)
  expect((await signInWithApi(page.request, credentials)).status()).toBe(200)

  await page.goto("/requests")
  await expect(page).toHaveTitle("Upload requests · Valet")
  await expect(page.getByText("No upload requests yet")).toBeVisible()
  await page.getByLabel("Title").fill("Holiday photos")
  await page.getByLabel("Files at most").fill("5")
  await page.getByRole("button", { name: "Create link" }).click()
  const linkField = page.getByLabel("New upload link")
  await expect(linkField).toHaveValue(/\/r\/[A-Za-z0-9_-]{43}$/)
  const link = await linkField.inputValue()
  recordLinkToken(link)
  await expect(page.getByRole("img", { name: "QR code of the upload link" })).toBeVisible()

  // Someone without an account, in a browser of their own.
  const outsiderContext = await browser.newContext({
    extraHTTPHeaders: { "x-forwarded-for": `${clientIp.split(".").slice(0, 3).join(".")}.250` },
  })
  const outsider = await outsiderContext.newPage()
  await keepClientAddressOffStorage(outsider, new URL(link).origin)
  const files = [
    { name: "beach.jpg", data: new Uint8Array(randomBytes(300 * 1024)) },
    { name: "notes.txt", data: new Uint8Array(randomBytes(2048)) },
  ]
  const paths = await Promise.all(
    files.map(async (file) => {
      const path = testInfo.outputPath(file.name)
      await writeFile(path, file.data)
      return path
    }),
  )
  const opened = await outsider.goto(link)
  // The page's URL is the key to the link: no cache may keep it, no Referer may carry it away.
  expect(opened?.headers()["cache-control"]).toContain("no-store")
  expect(opened?.headers()["referrer-policy"]).toBe("no-referrer")
  await expect(outsider.getByRole("heading", { name: "Holiday photos" })).toBeVisible()
  await outsider.locator("input.uppy-Dashboard-input").first().setInputFiles(paths)
  await outsider.getByRole("button", { name: "Upload 2 files" }).click()
  await expect(outsider.locator(".uppy-StatusBar")).toContainText("Complete", { timeout: 60_000 })

  // The owner sees what arrived, marked with the request, and downloads one of them intact.
  await page.goto("/requests")
  await expect(page.getByRole("row", { name: /Holiday photos/ })).toContainText("2 of 5")
  await page.getByRole("link", { name: "Holiday photos" }).click()
  await expect(page.getByRole("list", { name: "Received files" }).getByRole("listitem")).toHaveCount(2)
  const downloadStarted = page.waitForEvent("download")
  await page.getByRole("link", { name: "Download beach.jpg" }).click()
  const download = await downloadStarted
  expect(download.suggestedFilename()).toBe("beach.jpg")
  expect(sha256(await readFile(await download.path()))).toBe(sha256(files[0]?.data ?? new Uint8Array()))
  await page.goto("/files")
  await expect(page.getByRole("link", { name: "Received through “Holiday photos”" })).toHaveCount(2)

  // Closing takes effect at once: the link's page says so, with 410 Gone.
  await page.goto("/requests")
  await page.getByRole("button", { name: "Close Holiday photos" }).click()
  await page.getByRole("button", { name: "Close link" }).click()
  await expect(page.getByRole("row", { name: /Holiday photos/ })).toContainText("Closed")
  const reopened = await outsider.goto(link)
  expect(reopened?.status()).toBe(410)
  await expect(outsider.getByRole("heading", { name: "This upload link is closed" })).toBeVisible()
  await outsiderContext.close()
})

test("a password-protected upload request asks for the password before showing the uploader, granting nothing meanwhile, then takes files on one session", async ({
  page,
  baseURL,
}, testInfo) => {
  test.setTimeout(90_000)
  const { credentials, user } = await registerAccount(page.request)
  await signInWithApi(page.request, credentials)
  recordSecret("s3cret-pass")
  const created = await page.request.post("/api/upload-requests", {
    data: { title: "Contracts", password: "s3cret-pass" },
    headers: { origin: new URL(baseURL ?? "").origin },
  })
  expect(created.status()).toBe(201)
  const { uploadRequest } = (await created.json()) as { uploadRequest: { id: string; url: string } }
  recordLinkToken(uploadRequest.url)

  await page.goto(uploadRequest.url)
  await expect(page.locator(".uppy-Dashboard")).toHaveCount(0)
  await page.getByLabel("Password").fill("wrong-pass")
  await page.getByRole("button", { name: "Continue" }).click()
  await expect(page.getByText("That password is not right.")).toBeVisible()
  await page.getByLabel("Password").fill("s3cret-pass")
  await page.getByRole("button", { name: "Continue" }).click()
  await expect(page.locator(".uppy-Dashboard")).toBeVisible()
  expect(await sql(`SELECT id FROM "Upload" WHERE "ownerId" = $1`, [user.id])).toEqual([])

  // The files go with the upload session the password was exchanged for, never the password.
  const sent: { session: string | null; password: string | null }[] = []
  page.on("request", (request) => {
    if (new URL(request.url()).pathname.startsWith("/api/r/") && !request.url().endsWith("/session")) {
      sent.push({
        session: request.headers()["x-upload-session"] ?? null,
        password: request.headers()["x-upload-password"] ?? null,
      })
    }
  })
  const paths = await Promise.all(
    ["contract-a.pdf", "contract-b.pdf", "contract-c.pdf"].map(async (name) => {
      const path = testInfo.outputPath(name)
      await writeFile(path, new Uint8Array(randomBytes(4096)))
      return path
    }),
  )
  await page.locator("input.uppy-Dashboard-input").first().setInputFiles(paths)
  await page.getByRole("button", { name: "Upload 3 files" }).click()
  await expect(page.locator(".uppy-StatusBar")).toContainText("Complete", { timeout: 60_000 })
  expect(await sql(`SELECT id FROM "File" WHERE "ownerId" = $1`, [user.id])).toHaveLength(3)
  expect(sent.length).toBeGreaterThanOrEqual(6)
  expect(sent.every((headers) => headers.session?.startsWith("us1.") && headers.password === null)).toBe(true)
})
