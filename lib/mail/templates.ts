/**
 * Every mail Valet sends: plain text plus simple HTML, the product's name, no images, no tracking
 * pixels and no redirecting links. Links are built from APP_URL only, never from a request's Host
 * header (which a client chooses).
 */
import { createTranslator } from "next-intl"
import type { Locale } from "@/i18n/locales"
import type { MailMessage } from "@/lib/mail/transport"
import ar from "@/messages/ar.json"
import de from "@/messages/de.json"
import en from "@/messages/en.json"

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

const MAIL_MESSAGES: Record<Locale, typeof en.mail> = { en: en.mail, de: de.mail, ar: ar.mail }

/** The mail texts (messages/*.json → mail.*) in one language, with ICU plurals and dates. */
export function mailTranslator(locale: Locale) {
  return createTranslator({ locale, messages: { mail: MAIL_MESSAGES[locale] }, namespace: "mail" })
}

export type MailTranslator = ReturnType<typeof mailTranslator>

export function render(to: string, template: Template, locale: Locale = "en"): MailMessage {
  const subject = `${template.subject} · ${PRODUCT_NAME}`
  const dir = locale === "ar" ? "rtl" : "ltr"
  const text = [
    ...template.paragraphs,
    ...(template.action ? [`${template.action.label}:\n${template.action.url}`] : []),
    ...(template.footer ? [template.footer] : []),
    `— ${PRODUCT_NAME}`,
  ].join("\n\n")
  const html = [
    `<!doctype html><html lang="${locale}" dir="${dir}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#0f172a">`,
    `<h1 style="font-size:18px">${escapeHtml(template.subject)}</h1>`,
    ...template.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    ...(template.action
      ? [
          `<p><a href="${escapeHtml(template.action.url)}">${escapeHtml(template.action.label)}</a></p>`,
          `<p dir="ltr" style="font-size:12px;color:#475569">${escapeHtml(template.action.url)}</p>`,
        ]
      : []),
    ...(template.footer ? [`<p style="font-size:12px;color:#475569">${escapeHtml(template.footer)}</p>`] : []),
    `<p>— ${PRODUCT_NAME}</p></body></html>`,
  ].join("\n")
  return { to, subject, text, html }
}

/** Every account mail takes the recipient's language first (their stored locale, or the default). */
export const verifyEmailMail = (locale: Locale, to: string, url: string) => {
  const t = mailTranslator(locale)
  return render(
    to,
    {
      subject: t("verify.subject"),
      paragraphs: [t("verify.body", { email: to, product: PRODUCT_NAME })],
      action: { label: t("verify.action"), url },
      footer: t("ignore"),
    },
    locale,
  )
}

export const passwordResetMail = (locale: Locale, to: string, url: string) => {
  const t = mailTranslator(locale)
  return render(
    to,
    {
      subject: t("reset.subject"),
      paragraphs: [t("reset.body", { email: to, product: PRODUCT_NAME }), t("reset.rule")],
      action: { label: t("reset.action"), url },
      footer: t("ignore"),
    },
    locale,
  )
}

export const changeEmailMail = (locale: Locale, to: string, url: string) => {
  const t = mailTranslator(locale)
  return render(
    to,
    {
      subject: t("changeEmail.subject"),
      paragraphs: [t("changeEmail.body", { email: to, product: PRODUCT_NAME })],
      action: { label: t("changeEmail.action"), url },
      footer: t("ignore"),
    },
    locale,
  )
}

export const emailChangeNoticeMail = (locale: Locale, to: string, newEmail: string) => {
  const t = mailTranslator(locale)
  return render(
    to,
    {
      subject: t("emailChangeNotice.subject"),
      paragraphs: [
        t("emailChangeNotice.body", { email: to, newEmail, product: PRODUCT_NAME }),
        t("emailChangeNotice.notYou"),
      ],
    },
    locale,
  )
}

export const passwordChangedMail = (locale: Locale, to: string) => {
  const t = mailTranslator(locale)
  return render(
    to,
    {
      subject: t("passwordChanged.subject"),
      paragraphs: [t("passwordChanged.body", { product: PRODUCT_NAME }), t("passwordChanged.notYou")],
    },
    locale,
  )
}

export const inviteMail = (locale: Locale, to: string, url: string, invitedBy: string) => {
  const t = mailTranslator(locale)
  return render(
    to,
    {
      subject: t("invite.subject"),
      paragraphs: [t("invite.body", { invitedBy, email: to, product: PRODUCT_NAME })],
      action: { label: t("invite.action"), url },
      footer: t("invite.footer"),
    },
    locale,
  )
}
