import { createHash, randomBytes } from "node:crypto"
import { readFile, writeFile } from "node:fs/promises"
import type { Page, Request } from "@playwright/test"
import { expect, registerAccount, signInWithApi, test } from "./support/fixtures"

const MIB = 1024 * 1024
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex")

/** Watches the browser's traffic: bytes sent to the app, and storage PUTs in flight at once. */
function watchTraffic(page: Page, appOrigin: string) {
  const stats = { bytesToApp: 0, storagePuts: 0, maxParallelStoragePuts: 0 }
  let inFlight = 0
  const isStoragePut = (request: Request) => request.method() === "PUT" && !request.url().startsWith(appOrigin)
  page.on("request", (request) => {
    if (request.url().startsWith(appOrigin)) stats.bytesToApp += request.postDataBuffer()?.length ?? 0
    if (isStoragePut(request)) {
      stats.storagePuts++
      inFlight++
      stats.maxParallelStoragePuts = Math.max(stats.maxParallelStoragePuts, inFlight)
    }
  })
  const settle = (request: Request) => {
    if (isStoragePut(request)) inFlight--
  }
  page.on("requestfinished", settle)
  page.on("requestfailed", settle)
  return stats
}

test("uploads a small file (one PUT) and a 64 MiB file (parallel parts) straight to storage, then downloads both intact", async ({
  page,
  baseURL,
}, testInfo) => {
  test.setTimeout(180_000)
  const { credentials } = await registerAccount(page.request)
  expect((await signInWithApi(page.request, credentials)).status()).toBe(200)

  const small = { name: "notes.txt", data: new Uint8Array(randomBytes(200 * 1024)) }
  const big = { name: "dataset.bin", data: new Uint8Array(randomBytes(64 * MIB)) }
  const paths = await Promise.all(
    [small, big].map(async (file) => {
      const path = testInfo.outputPath(file.name)
      await writeFile(path, file.data)
      return path
    }),
  )

  await page.goto("/files")
  await expect(page).toHaveTitle("My files · Valet")
  await expect(page.getByText("No files yet")).toBeVisible()
  const traffic = watchTraffic(page, new URL(baseURL ?? "").origin)

  await page.locator("input.uppy-Dashboard-input").first().setInputFiles(paths)
  await page.getByRole("button", { name: "Upload 2 files" }).click()
  await expect(page.locator(".uppy-StatusBar")).toContainText("Complete", { timeout: 150_000 })

  // Metadata appears only once the server verified each object in storage.
  const table = page.getByRole("table", { name: "Your files, newest first" })
  await expect(table.getByRole("cell", { name: small.name, exact: true })).toBeVisible()
  await expect(table.getByRole("cell", { name: big.name, exact: true })).toBeVisible()
  await expect(table).toContainText("64 MiB")
  await expect(table).toContainText("200 KiB")

  // The bytes went to storage: 1 single PUT + 8 parts, at least 4 of them at once; the app only
  // ever received small JSON bodies.
  console.log(
    `traffic: ${traffic.bytesToApp} request-body bytes to the app, ${traffic.storagePuts} PUTs to storage, up to ${traffic.maxParallelStoragePuts} at once`,
  )
  expect(traffic.storagePuts).toBe(9)
  expect(traffic.maxParallelStoragePuts).toBeGreaterThanOrEqual(4)
  expect(traffic.bytesToApp).toBeLessThan(16 * 1024)

  for (const file of [small, big]) {
    const downloadStarted = page.waitForEvent("download")
    await page.getByRole("link", { name: `Download ${file.name}` }).click()
    const download = await downloadStarted
    expect(download.suggestedFilename()).toBe(file.name)
    expect(sha256(await readFile(await download.path()))).toBe(sha256(file.data))
  }
})
