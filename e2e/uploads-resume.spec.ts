import { createHash, randomBytes } from "node:crypto"
import { readFile, writeFile } from "node:fs/promises"
import { expect, registerAccount, signInWithApi, test } from "./support/fixtures"

const MIB = 1024 * 1024
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex")
/** The part a storage request carries: S3's `partNumber`, or on Azure the part in the block id (base64 "p00001"). */
function partNumberOf(url: string): number {
  const query = new URL(url).searchParams
  if (query.has("partNumber")) return Number(query.get("partNumber"))
  const blockId = /^p(\d{5})$/.exec(Buffer.from(query.get("blockid") ?? "", "base64").toString("latin1"))
  return blockId ? Number(blockId[1]) : 0
}

test("a big upload resumes after a page reload: only the parts storage lacks are sent again", async ({
  page,
  baseURL,
}, testInfo) => {
  test.setTimeout(180_000)
  const appOrigin = new URL(baseURL ?? "").origin
  const { credentials } = await registerAccount(page.request)
  expect((await signInWithApi(page.request, credentials)).status()).toBe(200)
  const file = { name: "resumable.bin", data: new Uint8Array(randomBytes(64 * MIB)) }
  const path = testInfo.outputPath(file.name)
  await writeFile(path, file.data)

  await page.goto("/files")
  // Storage takes the first four parts; every other part request hangs, as on a dead connection,
  // until the reload ends it (an aborted request would be retried by Uppy, and could land).
  let connectionDead = true
  const storedBeforeReload = new Set<number>()
  await page.route(
    (url) => url.origin !== appOrigin && partNumberOf(url.toString()) > 0,
    async (route) => {
      const partNumber = partNumberOf(route.request().url())
      if (!connectionDead) return route.fallback()
      if (storedBeforeReload.size < 4 || storedBeforeReload.has(partNumber)) {
        storedBeforeReload.add(partNumber)
        return route.fallback()
      }
    },
  )
  let partsDone = 0
  page.on("requestfinished", (request) => {
    if (request.method() === "PUT" && partNumberOf(request.url()) > 0) partsDone++
  })
  const grantResponse = page.waitForResponse(
    (response) => response.url() === `${appOrigin}/api/uploads` && response.request().method() === "POST",
  )
  await page.locator("input.uppy-Dashboard-input").first().setInputFiles(path)
  await page.getByRole("button", { name: "Upload 1 file" }).click()
  await expect.poll(() => partsDone, { timeout: 60_000 }).toBeGreaterThanOrEqual(4)
  // Golden Retriever saves Uppy's state (with the upload id) to localStorage a moment after each
  // change; the reload must come after that, as it would for anyone whose upload ran a while.
  const { upload } = (await (await grantResponse).json()) as { upload: { id: string } }
  await expect.poll(() => page.evaluate(() => JSON.stringify(localStorage)), { timeout: 10_000 }).toContain(upload.id)

  // The tab is reloaded mid-upload; the network is back.
  connectionDead = false
  const partsAfterReload: number[] = []
  page.on("request", (request) => {
    if (request.method() === "PUT" && partNumberOf(request.url()) > 0)
      partsAfterReload.push(partNumberOf(request.url()))
  })
  await page.reload()
  // Golden Retriever remembers the upload; the browser cannot keep a 64 MiB file across a reload
  // without a service worker, so the person picks the same file again, as the dashboard asks.
  await expect(page.getByText("Please re-select it and resume the upload")).toBeVisible()
  await page.getByRole("button", { name: "Add more" }).click()
  await page.locator("input.uppy-Dashboard-input").first().setInputFiles(path)
  const resume = page.getByRole("button", { name: /^(Resume|Upload 1 file|Retry)$/ })
  if (await resume.isVisible()) await resume.click()
  await expect(page.locator(".uppy-StatusBar")).toContainText("Complete", { timeout: 150_000 })

  // Uppy knows the finished parts from its saved state or, if it saved none, asks the server
  // (GET /api/uploads/:id/parts, which asks storage); either way nothing stored is sent twice.
  const missing = [1, 2, 3, 4, 5, 6, 7, 8].filter((partNumber) => !storedBeforeReload.has(partNumber))
  expect(storedBeforeReload.size).toBe(4)
  expect([...new Set(partsAfterReload)].sort()).toEqual(missing)
  await expect(
    page.getByRole("table", { name: "Your files, newest first" }).getByRole("cell", { name: file.name, exact: true }),
  ).toBeVisible()
  await page.unrouteAll({ behavior: "ignoreErrors" })

  const downloadStarted = page.waitForEvent("download")
  await page.getByRole("link", { name: `Download ${file.name}` }).click()
  expect(sha256(await readFile(await (await downloadStarted).path()))).toBe(sha256(file.data))
})
