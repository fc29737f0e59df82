import type { Metadata, Viewport } from "next"
import { NextIntlClientProvider } from "next-intl"
import { getLocale, getTranslations } from "next-intl/server"
import type { ReactNode } from "react"
import { LanguageSwitcher } from "@/components/language-switcher"
import { SiteHeader } from "@/components/site-header"
import { isLocale, textDirection } from "@/i18n/locales"
import { accountPolicyFromEnv } from "@/lib/accounts"
import { isEmailVerified } from "@/lib/accounts/verification"
import { getCurrentUser } from "@/lib/auth"
import { getEnv } from "@/lib/env"
import { isMailConfigured } from "@/lib/mail/transport"
import "./globals.css"

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("meta")
  return {
    // Absolute Open Graph URLs: a pasted link unfurls with the image from the public origin.
    metadataBase: new URL(getEnv().APP_URL),
    title: { default: "Valet", template: "%s · Valet" },
    description: t("description"),
    applicationName: "Valet",
    manifest: "/manifest.webmanifest",
    icons: {
      icon: [
        { url: "/favicon.ico", sizes: "any" },
        { url: "/icon.svg", type: "image/svg+xml" },
      ],
      apple: "/apple-icon.png",
    },
    // Generic for the whole site; pages with more to say (a share) set their own.
    openGraph: {
      type: "website",
      siteName: "Valet",
      title: "Valet",
      description: t("description"),
      images: [{ url: "/og.png", width: 1200, height: 630 }],
    },
    twitter: { card: "summary_large_image" },
  }
}

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f8fafc" },
    { media: "(prefers-color-scheme: dark)", color: "#020617" },
  ],
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale()
  const t = await getTranslations("layout")
  const user = await getCurrentUser()
  const verificationNotice =
    user && !(await isEmailVerified(user.id)) ? { email: user.email, isMailConfigured: isMailConfigured() } : null
  return (
    <html lang={locale} dir={isLocale(locale) ? textDirection(locale) : "ltr"}>
      <body className="flex min-h-screen flex-col font-sans">
        <NextIntlClientProvider>
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:absolute focus:start-4 focus:top-4 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow dark:focus:bg-slate-900"
          >
            {t("skip")}
          </a>
          <SiteHeader
            user={user}
            isRegistrationOpen={accountPolicyFromEnv().registration === "open"}
            verificationNotice={verificationNotice}
          />
          <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-8 sm:py-10">
            {children}
          </main>
          <footer className="border-t border-slate-200 py-6 text-xs text-slate-600 dark:border-slate-800 dark:text-slate-400">
            <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4">
              <p>{t("footer")}</p>
              <LanguageSwitcher signedIn={user !== null} />
            </div>
          </footer>
        </NextIntlClientProvider>
      </body>
    </html>
  )
}
