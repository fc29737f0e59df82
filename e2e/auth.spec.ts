import type { Page } from "@playwright/test"
import { disableAccount, sql } from "./support/db"
import { expect, newCredentials, registerAccount, signInWithApi, test, type Credentials } from "./support/fixtures"
import { recordSecret } from "./support/secrets"

const header = (page: Page) => page.getByRole("banner")
const userMenuButton = (page: Page, email: string) => header(page).getByRole("button", { name: email })
/** The form's message; filtered by text because Next's route announcer is an alert region too. */
const formAlert = (page: Page, text: string | RegExp) => page.getByRole("alert").filter({ hasText: text })

async function fillSignIn(page: Page, credentials: { email: string; password: string }) {
  recordSecret(credentials.password)
  await page.getByLabel("Email").fill(credentials.email)
  await page.getByLabel("Password", { exact: true }).fill(credentials.password)
  await page.getByRole("button", { name: "Sign in", exact: true }).click()
}

async function fillSignUp(page: Page, credentials: Partial<Credentials>) {
  recordSecret(credentials.password)
  if (credentials.name !== undefined) await page.getByLabel("Name").fill(credentials.name)
  if (credentials.email !== undefined) await page.getByLabel("Email").fill(credentials.email)
  if (credentials.password !== undefined) await page.getByLabel("Password", { exact: true }).fill(credentials.password)
  await page.getByRole("button", { name: "Create account" }).click()
}

test("sign up lands signed in; sign out; sign in again", async ({ page, baseURL }) => {
  const credentials = newCredentials("signup")
  await page.goto("/")
  await page.getByRole("main").getByRole("link", { name: "Create an account" }).click()
  await expect(page).toHaveURL(/\/sign-up$/)
  await expect(page).toHaveTitle("Sign up · Valet")

  await fillSignUp(page, credentials)
  await expect(page).toHaveURL(`${baseURL}/`)
  await expect(userMenuButton(page, credentials.email)).toBeVisible()
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Welcome, ${credentials.name}.`)

  await userMenuButton(page, credentials.email).click()
  await expect(userMenuButton(page, credentials.email)).toHaveAttribute("aria-expanded", "true")
  await header(page).getByRole("button", { name: "Sign out", exact: true }).click()
  await expect(header(page).getByRole("link", { name: "Sign in" })).toBeVisible()
  await expect(userMenuButton(page, credentials.email)).toHaveCount(0)

  await header(page).getByRole("link", { name: "Sign in" }).click()
  await expect(page).toHaveTitle("Sign in · Valet")
  await fillSignIn(page, credentials)
  await expect(page).toHaveURL(`${baseURL}/`)
  await expect(userMenuButton(page, credentials.email)).toBeVisible()
})

test("the sign-out page asks first, then signs out", async ({ page, request }) => {
  const { credentials } = await registerAccount(request)
  expect((await signInWithApi(page.request, credentials)).status()).toBe(200)
  await page.goto("/sign-out")
  await expect(page).toHaveTitle("Sign out · Valet")
  await expect(page.getByRole("main")).toContainText(`You're signed in as ${credentials.email}`)
  await page.getByRole("main").getByRole("button", { name: "Sign out", exact: true }).click()
  await expect(header(page).getByRole("link", { name: "Sign in" })).toBeVisible()
  await page.goto("/settings/tokens")
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fsettings%2Ftokens$/)
})

test("a wrong password says so and stays on the sign-in page", async ({ page, request }) => {
  const { credentials } = await registerAccount(request)
  await page.goto("/sign-in")
  await fillSignIn(page, { email: credentials.email, password: `${credentials.password}-wrong` })
  await expect(formAlert(page, "Wrong email or password.")).toBeVisible()
  await expect(page).toHaveURL(/\/sign-in$/)
  await expect(page.getByLabel("Email")).toHaveValue(credentials.email)
  await expect(page.getByLabel("Password", { exact: true })).toHaveValue("")
  await expect(page.getByLabel("Password", { exact: true })).toBeFocused()
  await expect(header(page).getByRole("link", { name: "Sign in" })).toBeVisible()
})

test("a protected page sends a signed-out visitor to sign in, then back", async ({ page, request, baseURL }) => {
  const { credentials } = await registerAccount(request)
  await page.goto("/settings/tokens")
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fsettings%2Ftokens$/)
  // The way to sign up from here keeps the destination too.
  await expect(page.getByRole("link", { name: "Create an account" })).toHaveAttribute(
    "href",
    "/sign-up?callbackUrl=%2Fsettings%2Ftokens",
  )
  await fillSignIn(page, credentials)
  await expect(page).toHaveURL(`${baseURL}/settings/tokens`)
  await expect(page.getByRole("heading", { level: 1, name: "API tokens" })).toBeVisible()
})

test("sign-up's field messages are in the reader's language, German and Arabic", async ({ page, baseURL }) => {
  const expected = {
    de: { email: "Geben Sie eine gültige E-Mail-Adresse ein", name: "Höchstens 100 Zeichen" },
    ar: { email: "أدخل عنوان بريد إلكتروني صالحًا", name: /^الحد الأقصى (100|١٠٠) من الأحرف$/ },
  }
  for (const [locale, says] of Object.entries(expected)) {
    await page.context().addCookies([{ name: "NEXT_LOCALE", value: locale, url: baseURL ?? "" }])
    await page.goto("/sign-up")
    await page.locator('input[name="name"]').fill("n".repeat(101))
    await page.locator('input[name="email"]').fill("not-an-email")
    await page.locator('input[name="password"]').fill("long-enough-9")
    await page.locator('input[name="password"]').press("Enter")
    await expect(page.locator('input[name="email"]')).toHaveAccessibleDescription(says.email)
    await expect(page.locator('input[name="name"]')).toHaveAccessibleDescription(says.name)
  }
})

test("sign-up checks fields inline before sending anything", async ({ page }) => {
  const registerCalls: string[] = []
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/register") registerCalls.push(request.method())
  })
  await page.goto("/sign-up")
  const email = page.getByLabel("Email")
  const password = page.getByLabel("Password", { exact: true })

  await fillSignUp(page, { email: "not-an-email", password: "short" })
  await expect(email).toHaveAttribute("aria-invalid", "true")
  await expect(email).toHaveAccessibleDescription("Enter a valid email address")
  await expect(email).toBeFocused()
  await expect(password).toHaveAttribute("aria-invalid", "true")
  await expect(password).toHaveAccessibleDescription("Use at least 8 characters")

  // Fixing a field clears its error as you type; a breached password is caught like the server would.
  await email.fill("someone@example.test")
  await expect(email).not.toHaveAttribute("aria-invalid")
  await password.fill("password123")
  await page.getByRole("button", { name: "Create account" }).click()
  await expect(password).toHaveAccessibleDescription("This password is too common; choose another")
  await expect(password).toBeFocused()

  expect(registerCalls).toEqual([])
})

test("sign-up explains that an email is already taken", async ({ page, request }) => {
  const { credentials } = await registerAccount(request)
  await page.goto("/sign-up")
  await fillSignUp(page, { email: credentials.email.toUpperCase(), password: "An-entirely-new-passphrase-7" })
  const email = page.getByLabel("Email")
  await expect(email).toHaveAttribute("aria-invalid", "true")
  await expect(email).toHaveAccessibleDescription(/An account with this email already exists/)
  await page.getByRole("link", { name: "Sign in instead" }).click()
  await expect(page).toHaveURL(/\/sign-in$/)
})

test("a disabled account is told so", async ({ page, request }) => {
  const { credentials } = await registerAccount(request)
  await disableAccount(credentials.email)
  await page.goto("/sign-in")
  await fillSignIn(page, credentials)
  await expect(formAlert(page, "This account has been disabled.")).toBeVisible()
  await expect(page).toHaveURL(/\/sign-in$/)
})

test("too many wrong passwords are refused with a clear message", async ({ page, request }) => {
  const { credentials } = await registerAccount(request)
  // The per-account budget is 10 failures per window; spend it through the API (same client address).
  for (let attempt = 0; attempt < 10; attempt++) {
    expect((await signInWithApi(request, { email: credentials.email, password: "Not-the-password-1" })).status()).toBe(
      401,
    )
  }
  await page.goto("/sign-in")
  await fillSignIn(page, credentials)
  await expect(formAlert(page, /^Too many attempts\. Try again in \d+ minutes\.$/)).toBeVisible()
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeEnabled()
  await expect(page).toHaveURL(/\/sign-in$/)
})

for (const target of ["https://evil.example/", "//evil.example/", "/\\evil.example/"]) {
  test(`sign-in never redirects off-site (callbackUrl=${target})`, async ({ page, request, baseURL }) => {
    const { credentials } = await registerAccount(request)
    await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(target)}`)
    await fillSignIn(page, credentials)
    await expect(page).toHaveURL(`${baseURL}/`)
    await expect(userMenuButton(page, credentials.email)).toBeVisible()
  })
}

test("signed-in visitors skip the sign-in and sign-up pages", async ({ page, baseURL }) => {
  const { credentials } = await registerAccount(page.request)
  expect((await signInWithApi(page.request, credentials)).status()).toBe(200)
  await page.goto("/sign-in?callbackUrl=%2Fsettings%2Ftokens")
  await expect(page).toHaveURL(`${baseURL}/settings/tokens`)
  await page.goto("/sign-up")
  await expect(page).toHaveURL(`${baseURL}/`)
  // A callback pointing back at an auth page must not loop.
  await page.goto("/sign-in?callbackUrl=%2Fsign-in")
  await expect(page).toHaveURL(`${baseURL}/`)
})

test("the user menu shows Admin only to administrators", async ({ page, request }) => {
  const { credentials } = await registerAccount(request)
  // The first account ever is an admin; pin the role so the test does not depend on order.
  await sql(`UPDATE "User" SET "role" = 'USER' WHERE "email" = $1`, [credentials.email])
  expect((await signInWithApi(page.request, credentials)).status()).toBe(200)
  await page.goto("/")
  await userMenuButton(page, credentials.email).click()
  await expect(header(page).getByRole("link", { name: "API tokens" })).toBeVisible()
  await expect(header(page).getByRole("link", { name: "Admin" })).toHaveCount(0)
  await page.keyboard.press("Escape")
  await expect(header(page).getByRole("link", { name: "API tokens" })).toBeHidden()
  await expect(userMenuButton(page, credentials.email)).toBeFocused()

  await sql(`UPDATE "User" SET "role" = 'ADMIN' WHERE "email" = $1`, [credentials.email])
  await page.reload()
  await userMenuButton(page, credentials.email).click()
  await expect(header(page).getByRole("link", { name: "Admin" })).toHaveAttribute("href", "/admin")
  await header(page).getByRole("link", { name: "API tokens" }).click()
  await expect(page).toHaveURL(/\/settings\/tokens$/)
  await expect(header(page).getByRole("link", { name: "API tokens" })).toBeHidden()
})
