/** Notification mails: what happened to an owner's links and requests, and links sent to recipients. */
import { appLink, PRODUCT_NAME, render } from "@/lib/mail/templates"

const SWITCH_OFF = "You can turn these mails off in Settings → Notifications, or for this link in My shares."

export const webhookPausedMail = (to: string, url: string, lastError: string) =>
  render(to, {
    subject: "A webhook was paused",
    paragraphs: [
      `Deliveries to ${url} have failed for a day (last: ${lastError}), so ${PRODUCT_NAME} paused the webhook and dropped its queued events.`,
      "Fix the receiver, then send a test from Settings → Notifications to resume it.",
    ],
  })

export type DownloadDigestLine = { name: string; count: number }

export const linkDownloadedMail = (
  to: string,
  input: {
    appUrl: string
    linkName: string
    downloads: number
    total: number
    files: DownloadDigestLine[]
    since: Date
  },
) =>
  render(to, {
    subject:
      input.downloads === 1
        ? `Your link "${input.linkName}" was downloaded`
        : `Your link "${input.linkName}" was downloaded ${input.downloads} times`,
    paragraphs: [
      `Since ${input.since.toUTCString()}: ${input.downloads} download${input.downloads === 1 ? "" : "s"} (${input.total} in all).`,
      ...input.files.map((file) => `${file.name}: ${file.count}`),
    ],
    action: { label: "See the link's access log", url: appLink(input.appUrl, "/shares") },
    footer: SWITCH_OFF,
  })

export const uploadRequestReceivedMail = (
  to: string,
  input: { appUrl: string; requestName: string; fileName: string; size: string },
) =>
  render(to, {
    subject: `Files arrived through "${input.requestName}"`,
    paragraphs: [`${input.fileName} (${input.size}) was uploaded through your upload request "${input.requestName}".`],
    action: { label: "Open my files", url: appLink(input.appUrl, "/files") },
    footer: "You can turn these mails off in Settings → Notifications.",
  })

export const linkExpiresMail = (to: string, input: { appUrl: string; linkName: string; expiresAt: Date }) =>
  render(to, {
    subject: `Your link "${input.linkName}" expires tomorrow`,
    paragraphs: [`The link stops working at ${input.expiresAt.toUTCString()}. Edit it in My shares to give it longer.`],
    action: { label: "Open My shares", url: appLink(input.appUrl, "/shares") },
    footer: SWITCH_OFF,
  })

export const sharedLinkMail = (
  to: string,
  input: { sender: string; linkName: string; url: string; message?: string },
) =>
  render(to, {
    subject: `${input.sender} shared "${input.linkName}" with you`,
    paragraphs: [
      `${input.sender} sent you a link to files on ${PRODUCT_NAME}.`,
      ...(input.message ? [`Their message: ${input.message}`] : []),
    ],
    action: { label: "Open the link", url: input.url },
    footer: "The link may expire or have a download limit. If you did not expect this mail, ignore it.",
  })
