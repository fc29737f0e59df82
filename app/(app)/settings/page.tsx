import type { Metadata } from "next"
import { getLocale, getTranslations } from "next-intl/server"
import type { ReactNode } from "react"
import { EmailChangeForm, NameForm, PasswordChangeForm, SignOutEverywhereButton } from "@/components/settings-forms"
import { TwoFactorSettings } from "@/components/settings-two-factor"
import { getAccountOverview } from "@/lib/accounts/settings"
import { requirePageUser } from "@/lib/auth"
import { isMailConfigured } from "@/lib/mail/transport"
import { unusedRecoveryCodes } from "@/lib/totp"
import { formatBytesIn } from "@/lib/shared/format"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("settings"))("metaTitle") }
}

function Section({
  id,
  title,
  description,
  children,
}: {
  id: string
  title: string
  description?: ReactNode
  children: ReactNode
}) {
  return (
    <section
      aria-labelledby={id}
      className="grid gap-4 border-b border-slate-200 pb-8 last:border-0 md:grid-cols-[14rem_1fr] dark:border-slate-800"
    >
      <div>
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        {description && <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{description}</p>}
      </div>
      <div className="max-w-md">{children}</div>
    </section>
  )
}

export default async function SettingsPage() {
  const user = await requirePageUser("/settings")
  const [account, recoveryCodesLeft] = await Promise.all([getAccountOverview(user.id), unusedRecoveryCodes(user.id)])
  const { usedBytes, quotaBytes } = account.quota
  const usedPercent = quotaBytes > 0 ? Math.min(100, (usedBytes / quotaBytes) * 100) : 100
  const mailAvailable = isMailConfigured()
  const t = await getTranslations("settings")
  const locale = await getLocale()
  const formatBytes = (bytes: number) => formatBytesIn(locale, bytes)

  return (
    <div className="space-y-8">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="text-slate-600 dark:text-slate-300">
          {t.rich(account.emailVerified ? "signedInVerified" : "signedInUnverified", {
            email: () => (
              <span dir="ltr" className="font-medium">
                {account.email}
              </span>
            ),
          })}
        </p>
      </header>

      <Section id="storage-heading" title={t("storage.title")} description={t("storage.description")}>
        <div className="space-y-2">
          <div
            role="meter"
            aria-label={t("storage.used")}
            aria-valuemin={0}
            aria-valuemax={quotaBytes}
            aria-valuenow={usedBytes}
            aria-valuetext={t("storage.valueText", { used: formatBytes(usedBytes), quota: formatBytes(quotaBytes) })}
            className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
          >
            {/* An SVG attribute, not a style: the CSP allows no inline styles. */}
            <svg viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true" className="block h-full w-full">
              <rect width={usedPercent} height="1" className={usedPercent >= 90 ? "fill-red-600" : "fill-brand-600"} />
            </svg>
          </div>
          <p className="text-sm text-slate-600 dark:text-slate-300">
            {t("storage.summary", {
              used: formatBytes(usedBytes),
              free: formatBytes(Math.max(0, quotaBytes - usedBytes)),
              quota: formatBytes(quotaBytes),
            })}
          </p>
        </div>
      </Section>

      <Section id="profile-heading" title={t("profile.title")} description={t("profile.description")}>
        <NameForm initialName={account.name ?? ""} />
      </Section>

      <Section
        id="email-heading"
        title={t("email.title")}
        description={t("email.description", { email: `\u2068${account.email}\u2069` })}
      >
        <EmailChangeForm hasPassword={account.hasPassword} mailAvailable={mailAvailable} />
      </Section>

      {account.hasPassword && (
        <Section id="password-heading" title={t("password.title")} description={t("password.description")}>
          <PasswordChangeForm />
        </Section>
      )}

      <Section id="two-factor-heading" title={t("twoFactor.title")} description={t("twoFactor.description")}>
        <TwoFactorSettings
          enabled={account.twoFactorEnabled}
          recoveryCodesLeft={recoveryCodesLeft}
          hasPassword={account.hasPassword}
        />
      </Section>

      <Section id="sessions-heading" title={t("sessions.title")} description={t("sessions.description")}>
        <div className="space-y-3">
          <p className="text-sm text-slate-600 dark:text-slate-300">{t("sessions.body")}</p>
          <SignOutEverywhereButton />
        </div>
      </Section>
    </div>
  )
}
