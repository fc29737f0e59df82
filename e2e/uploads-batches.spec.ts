import { randomBytes } from "node:crypto"
import { writeFile } from "node:fs/promises"
import type { Request } from "@playwright/test"
import { expect, registerAccount, signInWithApi, test } from "./support/fixtures"

const MIB = 1024 * 1024

/**
 * The dashboard's share of issue 20: many small files dropped at once are granted in one call and
 * completed in one call, and a multipart file's part URLs are signed ahead in batches (one call
 * for its 8 parts), while every file is still stored and listed.
 */
test("grants and completes many small files in one call each, and signs a big file's parts in one batch", async ({
  page,
  baseURL,
}, testInfo) => {
  test.setTimeout(180_000)
  const { credentials } = await registerAccount(page.request)
  expect((await signInWithApi(page.request, credentials)).status()).toBe(200)

  const small = Array.from({ length: 5 }, (_, index) => ({
    name: `note-${index}.txt`,
    data: new Uint8Array(randomBytes(10 * 1024 + index)),
  }))
  const big = { name: "archive.bin", data: new Uint8Array(randomBytes(64 * MIB)) }
  const paths = await Promise.all(
    [...small, big].map(async (file) => {
      const path = testInfo.outputPath(file.name)
      await writeFile(path, file.data)
      return path
    }),
  )

  const appOrigin = new URL(baseURL ?? "").origin
  const calls: { path: string; body: unknown }[] = []
  page.on("request", (request: Request) => {
    const url = new URL(request.url())
    if (url.origin !== appOrigin || request.method() !== "POST" || !url.pathname.startsWith("/api/uploads")) return
    calls.push({ path: url.pathname, body: request.postDataJSON() })
  })

  await page.goto("/files")
  await page.locator("input.uppy-Dashboard-input").first().setInputFiles(paths)
  await page.getByRole("button", { name: "Upload 6 files" }).click()
  await expect(page.locator(".uppy-StatusBar")).toContainText("Complete", { timeout: 150_000 })

  const table = page.getByRole("table", { name: "Your files, newest first" })
  for (const file of [...small, big])
    await expect(table.getByRole("cell", { name: file.name, exact: true })).toBeVisible()

  const grants = calls.filter((call) => call.path === "/api/uploads")
  const batchGrants = grants.filter((call) => Array.isArray((call.body as { files?: unknown }).files))
  expect(batchGrants).toHaveLength(1)
  expect((batchGrants[0]?.body as { files: { name: string }[] }).files.map((file) => file.name).sort()).toEqual(
    small.map((file) => file.name).sort(),
  )
  // The big file: its own grant, then one signing call for all 8 parts.
  expect(grants).toHaveLength(2)
  const signing = calls.filter((call) => /^\/api\/uploads\/[^/]+\/parts$/.test(call.path))
  expect(signing.map((call) => (call.body as { partNumbers: number[] }).partNumbers)).toEqual([
    [1, 2, 3, 4, 5, 6, 7, 8],
  ])
  const completions = calls.filter((call) => call.path === "/api/uploads/complete")
  expect(completions).toHaveLength(1)
  expect((completions[0]?.body as { uploads: unknown[] }).uploads).toHaveLength(5)
  // The multipart upload completes on its own route.
  expect(calls.filter((call) => /^\/api\/uploads\/[^/]+\/complete$/.test(call.path))).toHaveLength(1)
})
