/** Notification mails: what happened to an owner's links and requests, and links sent to recipients. */
import type { Locale } from "@/i18n/locales"
import { appLink, mailTranslator, PRODUCT_NAME, render } from "@/lib/mail/templates"

/** Dates in a mail: the reader's language, in UTC (a mail has no time zone of its own), said so. */
const mailDate = (locale: Locale, date: Date) =>
  // Spelled out: Intl refuses timeZoneName together with dateStyle/timeStyle (a RangeError).
  new Intl.DateTimeFormat(locale, {
    weekday: "long",
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
    timeZoneName: "short",
  }).format(date)

export const webhookPausedMail = (locale: Locale, to: string, url: string, lastError: string) => {
  const t = mailTranslator(locale)
  return render(
    to,
    {
      subject: t("webhookPaused.subject"),
      paragraphs: [t("webhookPaused.body", { url, lastError, product: PRODUCT_NAME }), t("webhookPaused.fix")],
    },
    locale,
  )
}

/** One line of the download digest: a file's name, or the zip of every file (`name: null`). */
export type DownloadDigestLine = { name: string | null; count: number }

export const linkDownloadedMail = (
  locale: Locale,
  to: string,
  input: {
    appUrl: string
    linkName: string
    downloads: number
    total: number
    files: DownloadDigestLine[]
    since: Date
  },
) => {
  const t = mailTranslator(locale)
  return render(
    to,
    {
      subject: t("linkDownloaded.subject", { name: input.linkName, count: input.downloads }),
      paragraphs: [
        t("linkDownloaded.body", {
          since: mailDate(locale, input.since),
          count: input.downloads,
          total: input.total,
        }),
        ...input.files.map((file) => `${file.name ?? t("linkDownloaded.zip")}: ${file.count}`),
      ],
      action: { label: t("linkDownloaded.action"), url: appLink(input.appUrl, "/shares") },
      footer: t("switchOff"),
    },
    locale,
  )
}

export const uploadRequestReceivedMail = (
  locale: Locale,
  to: string,
  input: { appUrl: string; requestName: string; fileName: string; size: string },
) => {
  const t = mailTranslator(locale)
  return render(
    to,
    {
      subject: t("requestReceived.subject", { name: input.requestName }),
      paragraphs: [t("requestReceived.body", { file: input.fileName, size: input.size, name: input.requestName })],
      action: { label: t("requestReceived.action"), url: appLink(input.appUrl, "/files") },
      footer: t("requestReceived.footer"),
    },
    locale,
  )
}

export const linkExpiresMail = (
  locale: Locale,
  to: string,
  input: { appUrl: string; linkName: string; expiresAt: Date },
) => {
  const t = mailTranslator(locale)
  return render(
    to,
    {
      subject: t("linkExpires.subject", { name: input.linkName }),
      paragraphs: [t("linkExpires.body", { at: mailDate(locale, input.expiresAt) })],
      action: { label: t("linkExpires.action"), url: appLink(input.appUrl, "/shares") },
      footer: t("switchOff"),
    },
    locale,
  )
}

/** To someone without an account: written in the sender's language. */
export const sharedLinkMail = (
  locale: Locale,
  to: string,
  input: { sender: string; linkName: string; url: string; message?: string },
) => {
  const t = mailTranslator(locale)
  return render(
    to,
    {
      subject: t("sharedLink.subject", { sender: input.sender, name: input.linkName }),
      paragraphs: [
        t("sharedLink.body", { sender: input.sender, product: PRODUCT_NAME }),
        ...(input.message ? [t("sharedLink.message", { message: input.message })] : []),
      ],
      action: { label: t("sharedLink.action"), url: input.url },
      footer: t("sharedLink.footer"),
    },
    locale,
  )
}
