import { expect, test } from "@playwright/test"

test("home page renders the shell and explains the valet key", async ({ page }) => {
  await page.goto("/")
  await expect(page).toHaveTitle("Valet")
  await expect(page.getByRole("link", { name: "Valet home" })).toBeVisible()
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Share files without a middleman.")
  await expect(page.getByRole("heading", { name: "How it works" })).toBeVisible()
  await expect(page.getByRole("listitem")).toHaveCount(3)
})

test("health endpoint reports database and storage reachable through the running app", async ({ request }) => {
  const response = await request.get("/api/health")
  expect(response.status()).toBe(200)
  expect(response.headers()["cache-control"]).toBe("no-store")
  expect(await response.json()).toEqual({ status: "ok", checks: { database: "ok", storage: "ok" } })
})

test("the Status link in the header opens the health report", async ({ page }) => {
  await page.goto("/")
  await page.getByRole("link", { name: "Status" }).click()
  await expect(page).toHaveURL(/\/api\/health$/)
  await expect(page.locator("body")).toContainText('"status":"ok"')
})
