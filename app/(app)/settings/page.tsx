import type { Metadata } from "next"
import type { ReactNode } from "react"
import { EmailChangeForm, NameForm, PasswordChangeForm, SignOutEverywhereButton } from "@/components/settings-forms"
import { TwoFactorSettings } from "@/components/settings-two-factor"
import { getAccountOverview } from "@/lib/accounts/settings"
import { requirePageUser } from "@/lib/auth"
import { isMailConfigured } from "@/lib/mail/transport"
import { unusedRecoveryCodes } from "@/lib/totp"
import { formatBytes } from "@/lib/shared/upload-layout"

export const metadata: Metadata = { title: "Settings" }

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
        {description && <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">{description}</p>}
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

  return (
    <div className="space-y-8">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold tracking-tight">Settings</h1>
        <p className="text-slate-600 dark:text-slate-300">
          Signed in as <span className="font-medium">{account.email}</span>
          {account.emailVerified ? " (verified)" : " (not verified yet)"}.
        </p>
      </header>

      <Section id="storage-heading" title="Storage" description="Files you keep, and uploads still in progress.">
        <div className="space-y-2">
          <div
            role="meter"
            aria-label="Storage used"
            aria-valuemin={0}
            aria-valuemax={quotaBytes}
            aria-valuenow={usedBytes}
            aria-valuetext={`${formatBytes(usedBytes)} of ${formatBytes(quotaBytes)}`}
            className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
          >
            {/* An SVG attribute, not a style: the CSP allows no inline styles. */}
            <svg viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true" className="block h-full w-full">
              <rect width={usedPercent} height="1" className={usedPercent >= 90 ? "fill-red-600" : "fill-brand-600"} />
            </svg>
          </div>
          <p className="text-sm text-slate-600 dark:text-slate-300">
            {formatBytes(usedBytes)} used · {formatBytes(Math.max(0, quotaBytes - usedBytes))} free of{" "}
            {formatBytes(quotaBytes)}
          </p>
        </div>
      </Section>

      <Section id="profile-heading" title="Profile" description="How Valet names you to others.">
        <NameForm initialName={account.name ?? ""} />
      </Section>

      <Section id="email-heading" title="Email address" description={`Now ${account.email}.`}>
        <EmailChangeForm hasPassword={account.hasPassword} mailAvailable={mailAvailable} />
      </Section>

      {account.hasPassword && (
        <Section id="password-heading" title="Password" description="Changing it signs out every other session.">
          <PasswordChangeForm />
        </Section>
      )}

      <Section
        id="two-factor-heading"
        title="Two-factor sign-in"
        description="A code from an authenticator app after your password."
      >
        <TwoFactorSettings
          enabled={account.twoFactorEnabled}
          recoveryCodesLeft={recoveryCodesLeft}
          hasPassword={account.hasPassword}
        />
      </Section>

      <Section
        id="sessions-heading"
        title="Sessions"
        description="Lost a device, or signed in somewhere you should not have?"
      >
        <div className="space-y-3">
          <p className="text-sm text-slate-600 dark:text-slate-300">
            Sign out every browser where this account is signed in, this one too.
          </p>
          <SignOutEverywhereButton />
        </div>
      </Section>
    </div>
  )
}
