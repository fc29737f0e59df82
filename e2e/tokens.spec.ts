import type { Page } from "@playwright/test"
import { expect, registerAccount, signInWithApi, test } from "./support/fixtures"
import { recordSecret } from "./support/secrets"

test.use({ permissions: ["clipboard-read", "clipboard-write"] })

async function signInToTokensPage(page: Page) {
  const { credentials } = await registerAccount(page.request)
  expect((await signInWithApi(page.request, credentials)).status()).toBe(200)
  await page.goto("/settings/tokens")
  await expect(page).toHaveTitle("API tokens · Valet")
  return credentials
}

const tokenRow = (page: Page, name: string) =>
  page.getByRole("row").filter({ has: page.getByRole("rowheader", { name, exact: true }) })

test("create a token: the secret is shown once, copies, and works until revoked", async ({
  page,
  request,
  baseURL,
}) => {
  await signInToTokensPage(page)
  await expect(page.getByText("No API tokens yet")).toBeVisible()

  await page.getByLabel("Token name").fill("Laptop CLI")
  await expect(page.getByLabel("Expires after")).toHaveValue("90")
  await page.getByRole("button", { name: "Create token" }).click()

  const secretField = page.getByLabel("New API token")
  await expect(secretField).toHaveValue(/^vlt_[A-Za-z0-9_-]{43}$/)
  const secret = await secretField.inputValue()
  recordSecret(secret)
  await expect(page.getByRole("heading", { name: /Copy your new token “Laptop CLI” now/ })).toBeFocused()
  await expect(page.getByText(`curl -H "Authorization: Bearer ${secret}" ${baseURL}/api/tokens`)).toBeVisible()

  await page.getByRole("button", { name: "Copy token" }).click()
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible()
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret)

  const row = tokenRow(page, "Laptop CLI")
  await expect(row).toContainText(`${secret.slice(0, 12)}…`)
  await expect(row).toContainText("Never used")
  await expect(page.getByText("No API tokens yet")).toHaveCount(0)

  // The secret works as a bearer token from a client with no session at all.
  const bearer = { Authorization: `Bearer ${secret}` }
  const listed = await request.get("/api/tokens", { headers: bearer })
  expect(listed.status()).toBe(200)
  expect((await listed.json()).tokens).toEqual([
    expect.objectContaining({ name: "Laptop CLI", prefix: secret.slice(0, 12) }),
  ])

  // Shown once: a reload has no trace of it, and the use just made is recorded.
  await page.reload()
  await expect(page.getByLabel("New API token")).toHaveCount(0)
  await expect(page.locator("body")).not.toContainText(secret)
  await expect(tokenRow(page, "Laptop CLI")).not.toContainText("Never used")

  await tokenRow(page, "Laptop CLI").getByRole("button", { name: "Revoke Laptop CLI" }).click()
  const dialog = page.getByRole("dialog", { name: "Revoke this token?" })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused()
  await dialog.getByRole("button", { name: "Revoke token" }).click()
  await expect(dialog).toBeHidden()
  await expect(tokenRow(page, "Laptop CLI")).toHaveCount(0)
  await expect(page.getByText("No API tokens yet")).toBeVisible()

  const afterRevoke = await request.get("/api/tokens", { headers: bearer })
  expect(afterRevoke.status()).toBe(401)
  await page.reload()
  await expect(page.getByText("No API tokens yet")).toBeVisible()
})

test("cancelling a revoke keeps the token", async ({ page }) => {
  await signInToTokensPage(page)
  await page.getByLabel("Token name").fill("CI deploy")
  await page.getByLabel("Expires after").selectOption({ label: "Never" })
  await page.getByRole("button", { name: "Create token" }).click()
  await expect(page.getByLabel("New API token")).toHaveValue(/^vlt_/)
  await page.getByRole("button", { name: "I've saved it" }).click()
  await expect(page.getByLabel("New API token")).toHaveCount(0)

  const row = tokenRow(page, "CI deploy")
  await expect(row.getByRole("cell").nth(2)).toHaveText("Never")
  await row.getByRole("button", { name: "Revoke CI deploy" }).click()
  await page.keyboard.press("Escape")
  await expect(page.getByRole("dialog")).toBeHidden()
  await page.reload()
  await expect(tokenRow(page, "CI deploy")).toBeVisible()
})

test("a token needs a name, checked before anything is sent", async ({ page }) => {
  await signInToTokensPage(page)
  const posts: string[] = []
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/api/tokens") posts.push(request.url())
  })
  await page.getByLabel("Token name").fill("   ")
  await page.getByRole("button", { name: "Create token" }).click()
  await expect(page.getByLabel("Token name")).toHaveAccessibleDescription("Give the token a name")
  await expect(page.getByLabel("Token name")).toBeFocused()
  expect(posts).toEqual([])
})
