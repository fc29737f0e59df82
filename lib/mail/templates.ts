/**
 * Every mail Valet sends: plain text plus simple HTML, the product's name, no images, no tracking
 * pixels and no redirecting links. Links are built from APP_URL only, never from a request's Host
 * header (which a client chooses).
 */
import type { MailMessage } from "@/lib/mail/transport"

export const PRODUCT_NAME = "Valet"

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char,
  )

/** An absolute link into the app, from APP_URL. */
export function appLink(appUrl: string, path: string, query: Record<string, string> = {}): string {
  const url = new URL(path, appUrl)
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value)
  return url.toString()
}

export type Template = {
  subject: string
  paragraphs: string[]
  action?: { label: string; url: string }
  footer?: string
}

export function render(to: string, template: Template): MailMessage {
  const subject = `${template.subject} · ${PRODUCT_NAME}`
  const text = [
    ...template.paragraphs,
    ...(template.action ? [`${template.action.label}:\n${template.action.url}`] : []),
    ...(template.footer ? [template.footer] : []),
    `— ${PRODUCT_NAME}`,
  ].join("\n\n")
  const html = [
    `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#0f172a">`,
    `<h1 style="font-size:18px">${escapeHtml(template.subject)}</h1>`,
    ...template.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    ...(template.action
      ? [
          `<p><a href="${escapeHtml(template.action.url)}">${escapeHtml(template.action.label)}</a></p>`,
          `<p style="font-size:12px;color:#475569">${escapeHtml(template.action.url)}</p>`,
        ]
      : []),
    ...(template.footer ? [`<p style="font-size:12px;color:#475569">${escapeHtml(template.footer)}</p>`] : []),
    `<p>— ${PRODUCT_NAME}</p></body></html>`,
  ].join("\n")
  return { to, subject, text, html }
}

const IGNORE = "If you did not ask for this, you can ignore this mail; nothing changes."

export const verifyEmailMail = (to: string, url: string) =>
  render(to, {
    subject: "Confirm your email address",
    paragraphs: [
      `Confirm that ${to} is your address for your ${PRODUCT_NAME} account. The link works once, for 24 hours.`,
    ],
    action: { label: "Confirm my address", url },
    footer: IGNORE,
  })

export const passwordResetMail = (to: string, url: string) =>
  render(to, {
    subject: "Reset your password",
    paragraphs: [
      `Someone asked to reset the password of the ${PRODUCT_NAME} account for ${to}.`,
      "The link works once, for 30 minutes. Setting a new password signs you out everywhere.",
    ],
    action: { label: "Choose a new password", url },
    footer: IGNORE,
  })

export const changeEmailMail = (to: string, url: string) =>
  render(to, {
    subject: "Confirm your new email address",
    paragraphs: [
      `Confirm ${to} as the new address of your ${PRODUCT_NAME} account. The link works once, for 24 hours.`,
    ],
    action: { label: "Use this address", url },
    footer: IGNORE,
  })

export const emailChangeNoticeMail = (to: string, newEmail: string) =>
  render(to, {
    subject: "Your email address is being changed",
    paragraphs: [
      `Someone signed in to your ${PRODUCT_NAME} account asked to change its address from ${to} to ${newEmail}.`,
      "It changes once the new address is confirmed. If this was not you, change your password now and tell your administrator.",
    ],
  })

export const passwordChangedMail = (to: string) =>
  render(to, {
    subject: "Your password was changed",
    paragraphs: [
      `The password of your ${PRODUCT_NAME} account was changed and every other session was signed out.`,
      "If this was not you, reset your password now and tell your administrator.",
    ],
  })

export const inviteMail = (to: string, url: string, invitedBy: string) =>
  render(to, {
    subject: "You are invited",
    paragraphs: [
      `${invitedBy} created a ${PRODUCT_NAME} account for ${to}. Choose your password to start. The link works once, for 7 days.`,
    ],
    action: { label: "Choose my password", url },
    footer: "If you did not expect this, ignore this mail; the account stays unusable without a password.",
  })
