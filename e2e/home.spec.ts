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
