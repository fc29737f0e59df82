import { getTranslations } from "next-intl/server"
import { ResendVerificationButton } from "@/components/settings-forms"

/** What the banner needs; the root layout reads it (null: nothing to say). */
export type EmailVerificationNotice = { email: string; isMailConfigured: boolean } | null

/** Under the header while the signed-in account's address is unproven: the account works, but says so. */
export async function EmailVerificationBanner({ notice: user }: { notice: EmailVerificationNotice }) {
  if (!user) return null
  const t = await getTranslations("verifyBanner")
  return (
    <div
      role="status"
      className="border-b border-amber-200 bg-amber-50 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <div className="mx-auto max-w-5xl px-4 py-2">
        {user.isMailConfigured ? (
          <>
            {t.rich("sent", {
              email: () => (
                <span dir="ltr" className="font-medium">
                  {user.email}
                </span>
              ),
            })}{" "}
            <ResendVerificationButton />
          </>
        ) : (
          t("noMail")
        )}
      </div>
    </div>
  )
}
