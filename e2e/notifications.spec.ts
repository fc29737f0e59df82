import { randomBytes } from "node:crypto"
import { mkdir } from "node:fs/promises"
import path from "node:path"
import type { APIRequestContext } from "@playwright/test"
import { waitForMail } from "@/tests/support/mail"
import { isValidSignature, startWebhookReceiver } from "@/tests/support/webhook-receiver"
import { expect, registerAccount, signInWithApi, test } from "./support/fixtures"
import { recordLinkToken, recordSecret } from "./support/secrets"

/**
 * Notifications from the browser (issue 18): the owner adds a webhook in Settings → Notifications and
 * sees a test delivery reach a real receiver on loopback (the e2e server allows 127.0.0.1); a link
 * sent by mail from the share dialog; a recipient downloads; the owner's mailbox (npm test's SMTP
 * catcher) has the download mail.
 */
async function uploadThroughApi(request: APIRequestContext, origin: string, name: string) {
  const data = randomBytes(2048)
  const granted = await request.post("/api/uploads", {
    data: { name, size: data.length, type: "text/plain" },
    headers: { origin },
  })
  expect(granted.status(), await granted.text()).toBe(201)
  const { upload } = await granted.json()
  expect((await request.put(upload.url, { data, headers: upload.headers })).status()).toBe(200)
  const completed = await request.post(`/api/uploads/${upload.id}/complete`, { data: {}, headers: { origin } })
  expect(completed.status()).toBe(201)
  return (await completed.json()).file as { id: string; name: string }
}

test("owner adds a webhook and sees a test delivery; a mailed link is downloaded and the owner gets the mail", async ({
  page,
  browser,
  baseURL,
  clientIp,
}) => {
  const origin = new URL(baseURL ?? "").origin
  const receiver = await startWebhookReceiver()
  try {
    const { credentials } = await registerAccount(page.request)
    expect((await signInWithApi(page.request, credentials)).status()).toBe(200)

    await page.goto("/settings/notifications")
    await expect(page.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible()
    await expect(page.getByLabel("My link was downloaded")).toBeChecked()
    await page.getByLabel("Receiver URL").fill(receiver.url("/e2e"))
    await page.getByRole("button", { name: "Add webhook" }).click()
    const secret = (await page.getByTestId("webhook-secret").textContent()) ?? ""
    expect(secret).toMatch(/^whsec_/)
    recordSecret(secret)
    const webhooks = page.getByRole("list", { name: "Webhooks" })
    await expect(webhooks.getByText(receiver.url("/e2e"))).toBeVisible()

    await webhooks.getByRole("button", { name: "Send test" }).click()
    await expect(page.getByText("Test delivery queued")).toBeVisible()
    await webhooks.getByRole("button", { name: "Show deliveries" }).click()
    const deliveries = page.getByRole("list", { name: "Deliveries" })
    await expect(async () => {
      await webhooks.getByRole("button", { name: "Refresh" }).click()
      await expect(deliveries.getByText("delivered")).toBeVisible({ timeout: 1000 })
    }).toPass({ timeout: 30_000 })
    await expect(deliveries.getByText("webhook.test")).toBeVisible()
    const test_ = receiver.received.find((hook) => hook.headers["x-valet-event"] === "webhook.test")
    expect(test_ && isValidSignature(secret, test_)).toBe(true)

    // Screenshots of the section, desktop and phone, light and dark.
    const dir = path.resolve("test-results/screenshots")
    await mkdir(dir, { recursive: true })
    for (const [label, viewport] of [
      ["desktop", { width: 1280, height: 800 }],
      ["phone", { width: 390, height: 844 }],
    ] as const) {
      for (const colorScheme of ["light", "dark"] as const) {
        await page.setViewportSize(viewport)
        await page.emulateMedia({ colorScheme })
        await page.screenshot({ path: path.join(dir, `notifications-${label}-${colorScheme}.png`), fullPage: true })
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.emulateMedia({ colorScheme: "light" })

    // A link sent by mail from the share dialog.
    const file = await uploadThroughApi(page.request, origin, "minutes.txt")
    const friend = `friend-${randomBytes(4).toString("hex")}@example.test`
    await page.goto("/files")
    await page.getByRole("button", { name: "Share minutes.txt" }).click()
    const dialog = page.getByRole("dialog")
    await dialog.getByLabel("Send to").fill(friend)
    await dialog.getByLabel("Message").fill("Notes from today")
    for (const [label, viewport] of [
      ["desktop", { width: 1280, height: 800 }],
      ["phone", { width: 390, height: 844 }],
    ] as const) {
      for (const colorScheme of ["light", "dark"] as const) {
        await page.setViewportSize(viewport)
        await page.emulateMedia({ colorScheme })
        await page.screenshot({ path: path.join(dir, `share-dialog-recipients-${label}-${colorScheme}.png`) })
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.emulateMedia({ colorScheme: "light" })
    await dialog.getByRole("button", { name: "Create link" }).click()
    const link = await dialog.getByRole("textbox", { name: "Share link" }).inputValue()
    recordLinkToken(link)
    await expect(dialog.getByText(`Sent by mail to ${friend}.`)).toBeVisible()
    const invitation = await waitForMail(friend, { timeoutMs: 30_000 })
    expect(invitation.links).toContain(link)
    expect(invitation.text).toContain("Notes from today")

    // The recipient follows the mailed link and downloads the file.
    const recipient = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": clientIp } })
    const visitor = await recipient.newPage()
    await visitor.goto(link)
    const download = visitor.waitForEvent("download")
    await visitor.getByRole("button", { name: `Download ${file.name}` }).click()
    expect((await download).suggestedFilename()).toBe("minutes.txt")
    await recipient.close()

    const mail = await waitForMail(credentials.email, { subject: "Your link", timeoutMs: 30_000 })
    expect(mail.subject).toContain("was downloaded")
    expect(mail.text).toContain("minutes.txt: 1")
    await expect(async () => {
      expect(receiver.received.some((hook) => hook.headers["x-valet-event"] === "share.downloaded")).toBe(true)
    }).toPass({ timeout: 30_000 })

    // The owner sees who the link went to, and its own mail switches, in its details.
    await page.goto("/shares")
    await page.getByRole("button", { name: "Details" }).first().click()
    const details = page.getByRole("region", { name: "Notifications for this link" })
    await expect(details.getByRole("list", { name: "Sent to" })).toContainText(friend)
    await expect(details.getByLabel("Mail me when it is downloaded")).toBeChecked()
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme })
      await page.screenshot({ path: path.join(dir, `share-details-notifications-desktop-${colorScheme}.png`) })
    }
  } finally {
    await receiver.stop()
  }
})
