import { mkdirSync } from "node:fs"
import path from "node:path"
import type { Page } from "@playwright/test"
import { Secret, TOTP } from "otpauth"
import { linkIn, waitForMail } from "@/tests/support/mail"
import { expect, newCredentials, registerAccount, signInWithApi, test } from "./support/fixtures"
import { recordSecret } from "./support/secrets"

/**
 * Accounts from the browser, with mail read back from `npm test`'s SMTP catcher (E2E_MAIL_DIR):
 * the app delivers through its outbox worker, exactly as in production.
 */
const header = (page: Page) => page.getByRole("banner")
const formAlert = (page: Page, text: string | RegExp) => page.getByRole("alert").filter({ hasText: text })

async function followMailLink(page: Page, address: string, subject: string, pathPrefix: string) {
  const mail = await waitForMail(address, { subject, timeoutMs: 30_000 })
  const link = linkIn(mail, pathPrefix)
  recordSecret(link.searchParams.get("token") ?? undefined)
  // Links come from APP_URL, which `npm test` sets to the app's own origin.
  expect(link.origin).toBe(new URL(process.env.E2E_BASE_URL ?? "http://localhost:3000").origin)
  await page.goto(link.pathname + link.search)
}

async function signInForm(page: Page, credentials: { email: string; password: string }) {
  await page.goto("/sign-in")
  await page.getByLabel("Email").fill(credentials.email)
  await page.getByLabel("Password", { exact: true }).fill(credentials.password)
  await page.getByRole("button", { name: "Sign in", exact: true }).click()
}

async function signOut(page: Page, email: string) {
  await header(page).getByRole("button", { name: email }).click()
  await header(page).getByRole("button", { name: "Sign out", exact: true }).click()
  await expect(header(page).getByRole("link", { name: "Sign in" })).toBeVisible()
}

test("forgot password → mail → reset → sign in with the new password; the old session is gone", async ({
  page,
  browser,
  request,
}) => {
  const { credentials } = await registerAccount(request)
  // Another browser stays signed in with the old password: the reset must end that session.
  const other = await browser.newContext()
  expect((await signInWithApi(other.request, credentials)).status()).toBe(200)
  expect((await other.request.get("/api/account")).status()).toBe(200)

  await page.goto("/sign-in")
  await page.getByRole("link", { name: "Forgot your password?" }).click()
  await expect(page).toHaveTitle("Forgot password · Valet")
  await page.getByLabel("Email").fill(credentials.email)
  await page.getByRole("button", { name: "Send me a reset link" }).click()
  await expect(formAlert(page, `If an account uses ${credentials.email}`)).toBeVisible()

  await followMailLink(page, credentials.email, "Reset your password", "/reset-password")
  const newPassword = `${credentials.password}-new`
  recordSecret(newPassword)
  await page.getByLabel("New password").fill(newPassword)
  await page.getByRole("button", { name: "Set my password" }).click()
  await expect(formAlert(page, "Your password is set")).toBeVisible()
  expect((await other.request.get("/api/account")).status()).toBe(401)
  await other.close()

  await page.getByRole("link", { name: "Sign in with your new password" }).click()
  await signInForm(page, { email: credentials.email, password: credentials.password })
  await expect(formAlert(page, "Wrong email or password")).toBeVisible()
  await signInForm(page, { email: credentials.email, password: newPassword })
  await expect(header(page).getByRole("button", { name: credentials.email })).toBeVisible()
})

test("enrol TOTP, sign out, sign in with a code, then with a recovery code", async ({ page, request }) => {
  const { credentials } = await registerAccount(request)
  await signInForm(page, credentials)
  await expect(header(page).getByRole("button", { name: credentials.email })).toBeVisible()
  await page.goto("/settings")
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click()
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible()
  const secret = (await page.getByTestId("totp-secret").textContent()) ?? ""
  recordSecret(secret)
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: "SHA1" })
  await page.getByLabel("Code from the app").fill(totp.generate())
  await page.getByRole("button", { name: "Turn on" }).click()
  const codeItems = page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")
  await expect(codeItems).toHaveCount(10)
  const codes = await codeItems.allTextContents()
  recordSecret(...codes)
  await page.getByRole("button", { name: "I saved them" }).click()
  await expect(page.getByText("10 recovery codes left.")).toBeVisible()
  await signOut(page, credentials.email)

  // The password alone is not enough any more; the next step's code (one step of drift allowed)
  // cannot be the one the enrolment just used.
  await signInForm(page, credentials)
  const codeField = page.getByLabel("Two-factor code")
  await expect(codeField).toBeFocused()
  await codeField.fill("000000")
  await page.getByRole("button", { name: "Verify and sign in" }).click()
  await expect(formAlert(page, "That code is not right")).toBeVisible()
  await codeField.fill(totp.generate({ timestamp: Date.now() + 30_000 }))
  await page.getByRole("button", { name: "Verify and sign in" }).click()
  await expect(header(page).getByRole("button", { name: credentials.email })).toBeVisible()
  await signOut(page, credentials.email)

  await signInForm(page, credentials)
  await page.getByLabel("Two-factor code").fill(codes[0] ?? "")
  await page.getByRole("button", { name: "Verify and sign in" }).click()
  await expect(header(page).getByRole("button", { name: credentials.email })).toBeVisible()
  await page.goto("/settings")
  await expect(page.getByText("9 recovery codes left.")).toBeVisible()
})

test("change email: confirm through the new address, notice to the old one", async ({ page, request }) => {
  const { credentials } = await registerAccount(request)
  const newEmail = newCredentials("moved").email
  await signInForm(page, credentials)
  await expect(header(page).getByRole("button", { name: credentials.email })).toBeVisible()
  await page.goto("/settings")
  const section = page.getByRole("region", { name: "Email address" })
  await section.getByLabel("Email").fill(newEmail)
  await section.getByLabel("Current password").fill(credentials.password)
  await section.getByRole("button", { name: "Change email" }).click()
  await expect(formAlert(page, `Check ${newEmail}`)).toBeVisible()

  const notice = await waitForMail(credentials.email, {
    subject: "Your email address is being changed",
    timeoutMs: 30_000,
  })
  expect(notice.text).toContain(newEmail)
  await followMailLink(page, newEmail, "Confirm your new email address", "/confirm-email")
  await page.getByRole("button", { name: "Use this address" }).click()
  await expect(formAlert(page, "this is now your account's email address")).toBeVisible()
  await page.goto("/settings")
  await expect(header(page).getByRole("button", { name: newEmail })).toBeVisible()
  await expect(page.getByRole("main")).toContainText(`Signed in as ${newEmail} (verified)`)
})

test("sign out everywhere from the account menu ends every session", async ({ page, browser, request }) => {
  const { credentials } = await registerAccount(request)
  const other = await browser.newContext()
  expect((await signInWithApi(other.request, credentials)).status()).toBe(200)
  await signInForm(page, credentials)
  await header(page).getByRole("button", { name: credentials.email }).click()
  await header(page).getByRole("button", { name: "Sign out everywhere" }).click()
  await expect(page).toHaveURL(/\/sign-in$/)
  expect((await other.request.get("/api/account")).status()).toBe(401)
  await other.close()
})

test("settings page screenshots: desktop and phone, light and dark", async ({ page, request }) => {
  const { credentials } = await registerAccount(request)
  await signInForm(page, credentials)
  await expect(header(page).getByRole("button", { name: credentials.email })).toBeVisible()
  const dir = path.resolve("test-results/screenshots")
  mkdirSync(dir, { recursive: true })
  for (const [label, viewport] of [
    ["desktop", { width: 1280, height: 800 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    for (const colorScheme of ["light", "dark"] as const) {
      await page.setViewportSize(viewport)
      await page.emulateMedia({ colorScheme })
      await page.goto("/settings")
      await expect(page.getByRole("meter", { name: "Storage used" })).toBeVisible()
      await page.screenshot({ path: path.join(dir, `settings-${label}-${colorScheme}.png`), fullPage: true })
    }
  }
})
