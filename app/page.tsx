import { getTranslations } from "next-intl/server"
import Link from "next/link"
import { buttonClasses } from "@/components/ui/button"
import { accountPolicyFromEnv, type AccountUser } from "@/lib/accounts"
import { getCurrentUser } from "@/lib/auth"

const STEPS = ["ask", "mint", "move"] as const
const CARD =
  "flex flex-col rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900"

export default async function HomePage() {
  const user = await getCurrentUser()
  // Signed in, the page is about sending files; how the keys work is for visitors deciding.
  if (user) return <SignedInHome user={user} />
  const t = await getTranslations("home")
  return (
    <div className="space-y-12">
      <SignedOutIntro registrationOpen={accountPolicyFromEnv().registration === "open"} />
      <section aria-labelledby="how-it-works">
        <h2
          id="how-it-works"
          className="mb-4 text-sm font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400"
        >
          {t("howItWorks")}
        </h2>
        <ol className="grid gap-4 sm:grid-cols-3">
          {STEPS.map((step, index) => (
            <li
              key={step}
              className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900"
            >
              <p className="text-xs font-medium text-brand-600 dark:text-brand-300">
                {t("step", { number: index + 1 })}
              </p>
              <h3 className="mt-1 font-semibold">{t(`steps.${step}.title`)}</h3>
              <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">{t(`steps.${step}.body`)}</p>
            </li>
          ))}
        </ol>
      </section>
    </div>
  )
}

async function SignedOutIntro({ registrationOpen }: { registrationOpen: boolean }) {
  const t = await getTranslations("home")
  return (
    <section className="space-y-6">
      <div className="space-y-4">
        <h1 className="text-3xl font-semibold tracking-tight sm:text-4xl">{t("headline")}</h1>
        <p className="max-w-2xl text-lg text-slate-600 dark:text-slate-300">{t("pitch")}</p>
      </div>
      <div className="flex flex-wrap gap-3">
        {registrationOpen && (
          <Link href="/sign-up" className={buttonClasses()}>
            {t("createAccount")}
          </Link>
        )}
        <Link href="/sign-in" className={buttonClasses({ variant: registrationOpen ? "secondary" : "primary" })}>
          {t("signIn")}
        </Link>
      </div>
    </section>
  )
}

async function SignedInHome({ user }: { user: AccountUser }) {
  const t = await getTranslations("home")
  return (
    <div className="space-y-8">
      <section className="space-y-5">
        <div className="space-y-2">
          <h1 className="text-3xl font-semibold tracking-tight sm:text-4xl">
            {t("welcome", { name: user.name?.trim() || user.email })}
          </h1>
          <p className="text-lg text-slate-600 dark:text-slate-300">{t("lead")}</p>
        </div>
        <div className="flex flex-wrap gap-3">
          <Link href="/files" className={buttonClasses()}>
            {t("sendFiles")}
          </Link>
          <Link href="/requests" className={buttonClasses({ variant: "secondary" })}>
            {t("requestFiles")}
          </Link>
        </div>
      </section>
      {user.role === "ADMIN" && (
        <section
          aria-labelledby="admin-notice"
          className="rounded-xl border border-brand-200 bg-brand-50 p-5 dark:border-brand-800 dark:bg-slate-900"
        >
          <h2 id="admin-notice" className="font-semibold">
            {t("adminTitle")}
          </h2>
          <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">{t("adminBody")}</p>
          <Link href="/admin" className={buttonClasses({ variant: "secondary", size: "sm", className: "mt-3" })}>
            {t("adminLink")}
          </Link>
        </section>
      )}
      <section className="grid gap-4 sm:grid-cols-3" aria-label={t("shortcuts")}>
        {(["files", "requests", "shares"] as const).map((card) => (
          <div key={card} className={CARD}>
            <h2 className="font-semibold">{t(`cards.${card}.title`)}</h2>
            <p className="mt-2 flex-1 text-sm text-slate-600 dark:text-slate-300">{t(`cards.${card}.body`)}</p>
            <Link
              href={`/${card}`}
              className="mt-4 self-start text-sm font-medium text-brand-700 hover:text-brand-600 dark:text-brand-300 dark:hover:text-brand-200"
            >
              {t(`cards.${card}.link`)}
            </Link>
          </div>
        ))}
      </section>
    </div>
  )
}
